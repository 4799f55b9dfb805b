package io.vitsom.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vitsom.model.metrics.RollingTopology;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import io.vitsom.stream.Messages;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The window behind the {@code vitsom_som_*} gauges: contents, snapshot caching, map changes, exported names. */
class TopologyWindowTest {
    private static final SomGrid MAP_3X3 = new SomGrid(3, 3, Topology.SQUARE);
    private static final SomGrid MAP_4X4 = new SomGrid(4, 4, Topology.SQUARE);
    private static final long SECOND = TopologyWindow.SNAPSHOT_MAX_AGE.toNanos();

    private final long[] now = {0};
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static Messages.Bmu bmu(int unit, int second, double distance, long version, String label) {
        return new Messages.Bmu(unit, 0, 0, distance, version, 0, label, second);
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    @Test
    void beforeTheFirstAssignmentTheWindowIsEmptyAndTheStatisticsUndefined() {
        new TopologyWindow(10, () -> now[0]).bindTo(registry);
        assertThat(gauge(TopologyWindow.WINDOW_IMAGES)).isZero();
        assertThat(gauge(TopologyWindow.QUANTIZATION_ERROR)).isNaN();
        assertThat(gauge(TopologyWindow.DEAD_UNITS_RATIO)).isNaN();
        assertThat(gauge(TopologyWindow.PURITY)).isNaN();
    }

    @Test
    void theGaugesAreTheStatisticsOfTheMostRecentAssignments() {
        TopologyWindow window = new TopologyWindow(3, () -> now[0]);
        window.bindTo(registry);
        window.add(MAP_3X3, bmu(8, 0, 9.0, 1, "x")); // evicted by the three below
        window.add(MAP_3X3, bmu(4, 5, 0.1, 1, "a")); // neighbours
        window.add(MAP_3X3, bmu(0, 4, 0.3, 1, "a")); // diagonal: an error only in the 4-neighbourhood
        window.add(MAP_3X3, bmu(0, 8, 0.5, 2, null)); // opposite corners, no label

        assertThat(gauge(TopologyWindow.WINDOW_IMAGES)).isEqualTo(3.0);
        assertThat(gauge(TopologyWindow.QUANTIZATION_ERROR)).isCloseTo(0.3, within(1e-12));
        assertThat(gauge(TopologyWindow.TOPOGRAPHIC_ERROR)).isEqualTo(2.0 / 3);
        assertThat(gauge(TopologyWindow.TOPOGRAPHIC_ERROR_8)).isEqualTo(1.0 / 3);
        assertThat(gauge(TopologyWindow.DEAD_UNITS_RATIO)).isEqualTo(7.0 / 9);
        // hits: unit 0 twice, unit 4 once
        assertThat(gauge(TopologyWindow.HIT_ENTROPY))
                .isCloseTo(-(2.0 / 3) * Math.log(2.0 / 3) - (1.0 / 3) * Math.log(1.0 / 3),
                        within(1e-12));
        // the two labelled images are both "a", in units 4 and 0
        assertThat(gauge(TopologyWindow.PURITY)).isEqualTo(1.0);
    }

    @Test
    void oneSnapshotAnswersEveryGaugeForASecond() {
        TopologyWindow window = new TopologyWindow(100, () -> now[0]);
        window.bindTo(registry);
        window.add(MAP_3X3, bmu(4, 5, 0.25, 1, null));
        RollingTopology.Snapshot first = window.snapshot().orElseThrow();
        assertThat(gauge(TopologyWindow.QUANTIZATION_ERROR)).isEqualTo(0.25);

        window.add(MAP_3X3, bmu(4, 5, 0.75, 1, null));
        now[0] += SECOND - 1;
        assertThat(window.snapshot()).containsSame(first);
        assertThat(gauge(TopologyWindow.WINDOW_IMAGES)).isEqualTo(1.0);
        assertThat(gauge(TopologyWindow.QUANTIZATION_ERROR)).isEqualTo(0.25);

        now[0] += 1;
        assertThat(gauge(TopologyWindow.WINDOW_IMAGES)).isEqualTo(2.0);
        assertThat(gauge(TopologyWindow.QUANTIZATION_ERROR)).isEqualTo(0.5);
    }

    @Test
    void aNewerModelWithAnotherMapStartsAnEmptyWindowAndLateAssignmentsOfTheOldMapAreLeftOut() {
        TopologyWindow window = new TopologyWindow(100, () -> now[0]);
        window.bindTo(registry);
        window.add(MAP_3X3, bmu(8, 7, 0.5, 1, null));
        window.add(MAP_3X3, bmu(8, 7, 0.5, 2, null));
        assertThat(window.snapshot().orElseThrow().images()).as("same map, newer version: same window").isEqualTo(2);

        window.add(MAP_4X4, bmu(15, 14, 0.1, 3, null));
        assertThat(window.snapshot().orElseThrow().images()).as("another map: a fresh snapshot of a new window")
                .isEqualTo(1);
        assertThat(window.snapshot().orElseThrow().hits()).hasSize(16);

        window.add(MAP_3X3, bmu(1, 2, 0.5, 2, null)); // a batch of version 2 finishing late
        now[0] += SECOND;
        assertThat(window.snapshot().orElseThrow().images()).isEqualTo(1);
        assertThat(gauge(TopologyWindow.DEAD_UNITS_RATIO)).isEqualTo(15.0 / 16);
    }

    @Test
    void prometheusExportsExactlyTheContractNamesAsGauges() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TopologyWindow window = new TopologyWindow(100);
        window.bindTo(prometheus);
        window.add(MAP_3X3, bmu(4, 5, 0.25, 1, "a"));

        String scrape = prometheus.scrape();
        Set<String> names = new TreeSet<>();
        Set<String> gauges = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.startsWith("vitsom_")) {
                names.add(line.split("[ {]", 2)[0]);
            } else if (line.startsWith("# TYPE vitsom_")) {
                String[] parts = line.split(" ");
                if (parts[3].equals("gauge")) {
                    gauges.add(parts[2]);
                }
            }
        }
        Set<String> contract = new TreeSet<>(Arrays.asList("vitsom_som_quantization_error",
                "vitsom_som_topographic_error", "vitsom_som_topographic_error_8", "vitsom_som_dead_units_ratio",
                "vitsom_som_hit_entropy", "vitsom_som_purity", "vitsom_som_nmi", "vitsom_som_window_images"));
        assertThat(names).isEqualTo(contract);
        assertThat(gauges).isEqualTo(contract);
        assertThat(scrape).contains("vitsom_som_window_images 1.0").contains("vitsom_som_quantization_error 0.25");
        prometheus.close();
    }

    @Test
    void aWindowHoldsAtLeastOneImage() {
        assertThatThrownBy(() -> new TopologyWindow(0)).hasMessage("capacity must be positive, got 0");
    }
}
