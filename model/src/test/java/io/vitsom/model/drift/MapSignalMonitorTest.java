package io.vitsom.model.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitsom.model.adapt.AdaptationConfig;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MapSignalMonitorTest {
    private static final SomGrid GRID = new SomGrid(10, 10, Topology.SQUARE);
    private static final int BATCH = 64;

    /**
     * A synthetic feed: before {@code switchAt} images win units 0..49 with distances around 0.10 (sd 0.03) and a
     * neighbour as second BMU 95% of the time; after it, units 50..99 with distances around 0.25 and TE 30%.
     */
    private static List<DriftEvent> run(MapSignalMonitor m, int images, int switchAt, long seed) {
        Random r = new Random(seed);
        List<DriftEvent> all = new ArrayList<>();
        for (int done = 0; done < images; done += BATCH) {
            long[] bmu = new long[BATCH];
            long[] second = new long[BATCH];
            float[] d = new float[BATCH];
            for (int i = 0; i < BATCH; i++) {
                boolean after = done + i >= switchAt;
                int row = r.nextInt(5) + (after ? 5 : 0);
                int col = r.nextInt(10);
                bmu[i] = (row) * 10 + (col);
                boolean bad = r.nextDouble() < (after ? 0.3 : 0.05);
                second[i] = bad ? ((row + 5) % 10) * 10 + (col) : (row) * 10 + ((col + 1) % 10);
                d[i] = (float) Math.max(0, (after ? 0.25 : 0.10) + 0.03 * r.nextGaussian());
            }
            all.addAll(m.observe(bmu, second, d, BATCH));
        }
        return all;
    }

    private static AdaptationConfig.Detection detection(long warmup) {
        return AdaptationConfig.Detection.defaults().withWarmup(warmup);
    }

    @Test
    void aShiftIsDetectedSoonAfterItHappens() {
        MapSignalMonitor m = new MapSignalMonitor(detection(2_000), GRID);
        List<DriftEvent> events = run(m, 12_000, 8_000, 1);
        assertThat(events).isNotEmpty();
        DriftEvent first = events.get(0);
        assertThat(first.detectedAtImages()).isBetween(8_000L, 8_500L);
        assertThat(first.magnitude()).isPositive();
    }

    @Test
    void aStationaryFeedOf50000ImagesRaisesNoAlarm() {
        MapSignalMonitor m = new MapSignalMonitor(detection(2_000), GRID);
        assertThat(run(m, 50_000, Integer.MAX_VALUE, 2)).isEmpty();
        assertThat(m.armed()).isTrue();
        assertThat(m.latest(MapSignalMonitor.Series.QUANTIZATION_ERROR)).isBetween(0.09, 0.11);
        assertThat(m.latest(MapSignalMonitor.Series.HIT_MAP_DIVERGENCE)).isBetween(0.0, 1.0);
    }

    @Test
    void nothingIsReportedBeforeTheWarmUpNorWhileQuiet() {
        MapSignalMonitor early = new MapSignalMonitor(detection(10_000), GRID);
        assertThat(run(early, 9_000, 4_000, 3)).isEmpty();
        MapSignalMonitor quiet = new MapSignalMonitor(detection(2_000), GRID);
        run(quiet, 4_000, Integer.MAX_VALUE, 4);
        quiet.quietUntil(20_000);
        assertThat(quiet.armed()).isFalse();
        assertThat(run(quiet, 8_000, 0, 5)).isEmpty();
    }

    @Test
    void anImprovingMapIsNoAlarm() {
        MapSignalMonitor m = new MapSignalMonitor(detection(1_000), GRID);
        Random r = new Random(6);
        List<DriftEvent> events = new ArrayList<>();
        for (int done = 0; done < 20_000; done += BATCH) {
            long[] bmu = new long[BATCH];
            long[] second = new long[BATCH];
            float[] d = new float[BATCH];
            for (int i = 0; i < BATCH; i++) {
                bmu[i] = r.nextInt(100);
                second[i] = (bmu[i] + 1) % 100;
                // The error halves over the run: a map still organising.
                d[i] = (float) Math.max(0, 0.3 * (1 - 0.5 * (done + i) / 20_000.0) + 0.02 * r.nextGaussian());
            }
            events.addAll(m.observe(bmu, second, d, BATCH));
        }
        assertThat(events).isEmpty();
    }

    @Test
    void aRiseInPrototypeDriftIsAChangeToo() {
        MapSignalMonitor m = new MapSignalMonitor(detection(0), GRID);
        List<DriftEvent> events = new ArrayList<>();
        Random r = new Random(7);
        for (int v = 0; v < 40; v++) {
            events.addAll(m.observePrototypeDrift(0.01 + 0.001 * r.nextGaussian()));
        }
        assertThat(events).isEmpty();
        for (int v = 0; v < 5 && events.isEmpty(); v++) {
            events.addAll(m.observePrototypeDrift(0.2));
        }
        assertThat(events).extracting(DriftEvent::series).containsExactly("prototype_drift");
    }
}
