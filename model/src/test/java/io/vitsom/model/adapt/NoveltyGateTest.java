package io.vitsom.model.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NoveltyGateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static NoveltyGate oneToTen(double quantile, double factor) {
        NoveltyGate g = new NoveltyGate(quantile, factor, 10, 10);
        for (int v = 10; v >= 1; v--) { // order must not matter
            g.observe(v);
        }
        return g;
    }

    @Test
    void quantileInterpolatesLikeNumpy() {
        // numpy.quantile(np.arange(1, 11), q): 0.9 -> 9.1, 0.5 -> 5.5, 0.25 -> 3.25, 0.01 -> 1.09
        assertThat(oneToTen(0.9, 1).threshold()).isCloseTo(9.1, within(1e-12));
        assertThat(oneToTen(0.5, 1).threshold()).isCloseTo(5.5, within(1e-12));
        assertThat(oneToTen(0.25, 1).threshold()).isCloseTo(3.25, within(1e-12));
        assertThat(oneToTen(0.01, 1).threshold()).isCloseTo(1.09, within(1e-12));
        assertThat(NoveltyGate.quantileOfSorted(new double[] {4}, 0.7)).isEqualTo(4);
    }

    @Test
    void judgesNothingWhileWarmingUp() {
        NoveltyGate g = new NoveltyGate(0.9, 1, 10, 10);
        for (int v = 1; v <= 9; v++) {
            g.observe(v);
            assertThat(g.threshold()).isNaN();
            assertThat(g.isNovel(1e9)).isFalse();
            assertThat(g.isNovel(Double.NaN)).isFalse();
        }
        assertThat(g.observed()).isEqualTo(9);
        g.observe(10);
        assertThat(g.observed()).isEqualTo(10);
        assertThat(g.isNovel(9.1)).isFalse();
        assertThat(g.isNovel(9.2)).isTrue();
    }

    @Test
    void factorScalesTheQuantile() {
        NoveltyGate g = oneToTen(0.5, 2.0);
        assertThat(g.threshold()).isCloseTo(11.0, within(1e-12));
        assertThat(g.isNovel(11.0)).isFalse();
        assertThat(g.isNovel(11.0001)).isTrue();
        assertThat(g.isNovel(Double.POSITIVE_INFINITY)).isTrue();
    }

    @Test
    void nanIsNovelOnceWarmAndNeverObserved() {
        NoveltyGate g = oneToTen(0.9, 1);
        assertThat(g.isNovel(Double.NaN)).isTrue();
        g.observe(Double.NaN);
        g.observe(Double.POSITIVE_INFINITY);
        assertThat(g.observed()).isEqualTo(10);
        g.refreshThreshold();
        assertThat(g.threshold()).isCloseTo(9.1, within(1e-12));
    }

    @Test
    void thresholdIsRecomputedEvery64Observations() {
        NoveltyGate g = new NoveltyGate(0.5, 1, 1000, 10);
        for (int v = 1; v <= 10; v++) {
            g.observe(v);
        }
        assertThat(g.threshold()).isCloseTo(5.5, within(1e-12));
        for (int i = 0; i < NoveltyGate.RECOMPUTE_EVERY - 1; i++) {
            g.observe(100);
        }
        assertThat(g.threshold()).isCloseTo(5.5, within(1e-12)); // cached
        g.observe(100);
        assertThat(g.threshold()).isEqualTo(100); // 74 values, 64 of them 100
        for (int i = 0; i < NoveltyGate.RECOMPUTE_EVERY - 1; i++) {
            g.observe(0);
        }
        assertThat(g.threshold()).isEqualTo(100); // cached
        g.refreshThreshold();
        assertThat(g.threshold()).isCloseTo(6, within(1e-12)); // 63 zeros, 1..10, 64 x 100: the 69th is 6

        // Once the ring buffer wraps, old values drop out.
        NoveltyGate small = new NoveltyGate(0.5, 1, 4, 4);
        for (double v : new double[] {1, 2, 3, 4, 50, 60, 70, 80}) {
            small.observe(v);
        }
        small.refreshThreshold();
        assertThat(small.threshold()).isCloseTo(65, within(1e-12));
    }

    @Test
    void burstOfOutliersIsFlaggedWithoutMovingTheThreshold() {
        Random r = new Random(3);
        NoveltyGate g = new NoveltyGate(0.99, 1.5, 2000, 500);
        for (int i = 0; i < 5000; i++) {
            g.observe(Math.abs(1 + 0.1 * r.nextGaussian()));
        }
        double before = g.threshold();
        long observedBefore = g.observed();
        assertThat(before).isBetween(1.5 * 1.2, 1.5 * 1.3); // 1.5 x the 99th percentile of N(1, 0.1)
        for (int i = 0; i < 500; i++) {
            double junk = 5 + 50 * r.nextDouble();
            assertThat(g.isNovel(junk)).as("outlier %d", i).isTrue();
            if (!g.isNovel(junk)) { // the caller observes only what it did not quarantine
                g.observe(junk);
            }
        }
        assertThat(g.threshold()).isEqualTo(before);
        assertThat(g.observed()).isEqualTo(observedBefore);
        int flagged = 0;
        for (int i = 0; i < 5000; i++) {
            double d = Math.abs(1 + 0.1 * r.nextGaussian());
            if (g.isNovel(d)) {
                flagged++;
            } else {
                g.observe(d);
            }
        }
        assertThat(flagged).isZero(); // 1.5 x the 99th percentile is beyond 5 sd of normal data
    }

    @Test
    void jsonRoundTripRestoresExactly() throws Exception {
        Random r = new Random(17);
        NoveltyGate warming = new NoveltyGate(0.95, 1.5, 1000, 100);
        for (int i = 0; i < 50; i++) {
            warming.observe(r.nextDouble());
        }
        assertRoundTripIsExact(warming, r);

        NoveltyGate warm = new NoveltyGate(0.95, 1.5, 1000, 100);
        for (int i = 0; i < 1234; i++) {
            warm.observe(r.nextDouble() * 3);
        }
        assertRoundTripIsExact(warm, r);
    }

    private static void assertRoundTripIsExact(NoveltyGate a, Random r) throws Exception {
        JsonNode parsed = JSON.readTree(JSON.writeValueAsString(a.toJson()));
        NoveltyGate b = NoveltyGate.fromJson(parsed);
        assertThat(b.toJson()).isEqualTo(a.toJson());
        assertThat(b.observed()).isEqualTo(a.observed());
        assertThat(Double.doubleToLongBits(b.threshold())).isEqualTo(Double.doubleToLongBits(a.threshold()));
        for (int i = 0; i < 700; i++) {
            double d = r.nextDouble() * 6;
            assertThat(b.isNovel(d)).isEqualTo(a.isNovel(d));
            a.observe(d);
            b.observe(d);
            assertThat(Double.doubleToLongBits(b.threshold())).isEqualTo(Double.doubleToLongBits(a.threshold()));
        }
        assertThat(b.toJson()).isEqualTo(a.toJson());
    }

    @Test
    void fromJsonRejectsInconsistentState() {
        NoveltyGate g = oneToTen(0.5, 1);
        ObjectNode missing = g.toJson();
        missing.remove("threshold");
        assertThatThrownBy(() -> NoveltyGate.fromJson(missing))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threshold");
        ObjectNode wrongPosition = g.toJson();
        wrongPosition.put("position", 3);
        assertThatThrownBy(() -> NoveltyGate.fromJson(wrongPosition))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("position 3");
        ObjectNode shortBuffer = g.toJson();
        ((ArrayNode) shortBuffer.get("buffer")).remove(0);
        assertThatThrownBy(() -> NoveltyGate.fromJson(shortBuffer))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9 buffered values");
    }

    @Test
    void rejectsBadParameters() {
        assertThatThrownBy(() -> new NoveltyGate(0, 1, 10, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quantile");
        assertThatThrownBy(() -> new NoveltyGate(1, 1, 10, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quantile");
        assertThatThrownBy(() -> new NoveltyGate(Double.NaN, 1, 10, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> new NoveltyGate(0.5, 0.9, 10, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("factor").hasMessageContaining("0.9");
        assertThatThrownBy(() -> new NoveltyGate(0.5, 1, 10, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("warmup");
        assertThatThrownBy(() -> new NoveltyGate(0.5, 1, 4, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window").hasMessageContaining("4");
    }
}
