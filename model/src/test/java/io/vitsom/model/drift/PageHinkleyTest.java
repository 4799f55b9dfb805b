package io.vitsom.model.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.drift.PageHinkley.Direction;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PageHinkleyTest {

    /** Index of the first detection in the series, or -1. */
    private static int firstDetection(ChangeDetector detector, double[] series) {
        for (int i = 0; i < series.length; i++) {
            if (detector.update(series[i])) {
                return i;
            }
        }
        return -1;
    }

    /** sd * N(0, 1) + before up to index change, + after from it on. */
    private static double[] gaussianStep(long seed, int length, int change, double before, double after, double sd) {
        Random random = new Random(seed);
        double[] series = new double[length];
        for (int i = 0; i < length; i++) {
            series[i] = (i < change ? before : after) + sd * random.nextGaussian();
        }
        return series;
    }

    private static double[] zerosThenFours(int zeros, int length) {
        double[] series = new double[length];
        for (int i = zeros; i < length; i++) {
            series[i] = 4;
        }
        return series;
    }

    @Test
    void handComputedSeriesDetectsAtKnownIndex() {
        // minInstances 30, delta 0.5, threshold 5, alpha 1. 35 zeros: mean 0, each step adds 0 - 0 - 0.5,
        // so m = -17.5 after index 34, the minimum (test 0).
        // index 35, x 4: mean 4/36 = 1/9, m += 4 - 1/9 - 1/2 = 3.3889 -> m - min = 3.3889 <= 5.
        // index 36, x 4: mean 8/37, m += 4 - 8/37 - 1/2 = 3.2838 -> m - min = 6.6727 > 5: change.
        // Change point after index 34: mean after (4 + 4) / 2 = 4, mean before 0, magnitude 4.
        PageHinkley ph = new PageHinkley(30, 0.5, 5, 1, Direction.INCREASE);
        double[] series = zerosThenFours(35, 40);
        assertThat(firstDetection(ph, series)).isEqualTo(36);
        assertThat(ph.magnitude()).isEqualTo(4.0);
        // The detector reset itself: nothing counted, the magnitude kept.
        assertThat(ph.count()).isZero();
        assertThat(ph.name()).isEqualTo("page_hinkley");
    }

    @Test
    void noAlarmBeforeMinInstances() {
        // Same parameters, 5 zeros then 4s: m - min passes 5 at index 6 already, but the test only runs from the
        // 30th observation (index 29) on, where m - min is still above 5 (each 4 adds 4 - mean - 0.5 > 0 while the
        // mean is below 3.5, and it is 100/30 at index 29).
        PageHinkley ph = new PageHinkley(30, 0.5, 5, 1, Direction.INCREASE);
        assertThat(firstDetection(ph, zerosThenFours(5, 40))).isEqualTo(29);
        assertThat(ph.magnitude()).isEqualTo(4.0);
    }

    @Test
    void gaussianStepDetectedWithin100Observations() {
        // Mean 0 -> 1, sd 0.5, at index 5000. With River's alpha the increase sum has not yet settled (that takes
        // ~1/(1 - alpha) = 10,000 observations), so threshold 50 raises no alarm before the step.
        PageHinkley ph = PageHinkley.increases(0.05, 50);
        int detected = firstDetection(ph, gaussianStep(7, 10_000, 5_000, 0, 1, 0.5));
        assertThat(detected).isBetween(5_000, 5_099);
        // The change point estimate can fall before the step (see the class comment), so only the sign is exact.
        assertThat(ph.magnitude()).isBetween(0.0, 1.5);
    }

    @Test
    void noFalseAlarmOnLongStationarySeries() {
        // alpha 1 (the classic test): the sums drift by -delta per observation, and an excursion of 50 against a
        // drift of 0.05 in noise of sd 0.5 has probability about exp(-2 * 0.05 * 50 / 0.25) = exp(-20) per
        // excursion. With River's alpha 1 - 1e-4 the same threshold gives about 3 false alarms per 100,000
        // observations (see the class comment), which is why it is not used here.
        PageHinkley ph = new PageHinkley(30, 0.05, 50, 1, Direction.BOTH);
        double[] series = gaussianStep(11, 100_000, 100_000, 0, 0, 0.5);
        int alarms = 0;
        for (double x : series) {
            if (ph.update(x)) {
                alarms++;
            }
        }
        assertThat(alarms).isZero();
        assertThat(ph.count()).isEqualTo(100_000);
    }

    @Test
    void decreaseModeSeesOnlyDecreases() {
        double[] falling = gaussianStep(3, 10_000, 5_000, 1, 0, 0.5);
        PageHinkley down = new PageHinkley(30, 0.05, 50, 1 - 1e-4, Direction.DECREASE);
        assertThat(firstDetection(down, falling)).isBetween(5_000, 5_099);
        assertThat(down.magnitude()).isNegative();

        PageHinkley up = new PageHinkley(30, 0.05, 50, 1 - 1e-4, Direction.INCREASE);
        assertThat(firstDetection(up, falling)).isEqualTo(-1);

        double[] rising = gaussianStep(3, 10_000, 5_000, 0, 1, 0.5);
        PageHinkley downOnRise = new PageHinkley(30, 0.05, 50, 1 - 1e-4, Direction.DECREASE);
        assertThat(firstDetection(downOnRise, rising)).isEqualTo(-1);
    }

    @Test
    void bothModeSeesEitherDirection() {
        PageHinkley both = new PageHinkley(30, 0.05, 50, 1 - 1e-4, Direction.BOTH);
        assertThat(firstDetection(both, gaussianStep(3, 10_000, 5_000, 1, 0, 0.5))).isBetween(5_000, 5_099);
        assertThat(both.magnitude()).isNegative();
        both.reset();
        assertThat(firstDetection(both, gaussianStep(3, 10_000, 5_000, 0, 1, 0.5))).isBetween(5_000, 5_099);
        assertThat(both.magnitude()).isPositive();
    }

    @Test
    void nonFiniteObservationsAreIgnored() {
        PageHinkley ph = new PageHinkley(30, 0.5, 5, 1, Direction.INCREASE);
        assertThat(ph.update(Double.NaN)).isFalse();
        assertThat(ph.update(Double.POSITIVE_INFINITY)).isFalse();
        assertThat(ph.update(Double.NEGATIVE_INFINITY)).isFalse();
        assertThat(ph.count()).isZero();

        // Interleaving NaNs with the hand-computed series changes nothing but the positions.
        double[] series = zerosThenFours(35, 40);
        int detectedAt = -1;
        for (int i = 0; i < series.length && detectedAt < 0; i++) {
            assertThat(ph.update(Double.NaN)).isFalse();
            if (ph.update(series[i])) {
                detectedAt = i;
            }
        }
        assertThat(detectedAt).isEqualTo(36);
        assertThat(ph.magnitude()).isEqualTo(4.0);
    }

    @Test
    void resetForgetsEverything() {
        PageHinkley ph = new PageHinkley(30, 0.5, 5, 1, Direction.INCREASE);
        assertThat(ph.magnitude()).isNaN();
        firstDetection(ph, zerosThenFours(35, 40));
        ph.update(1);
        ph.reset();
        assertThat(ph.count()).isZero();
        assertThat(ph.magnitude()).isNaN();
        // And it detects the same change again, at the same place.
        assertThat(firstDetection(ph, zerosThenFours(35, 40))).isEqualTo(36);
    }

    @Test
    void argumentsAreValidated() {
        assertThatThrownBy(() -> new PageHinkley(0, 0.5, 5, 1, Direction.BOTH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minInstances").hasMessageContaining("0");
        assertThatThrownBy(() -> new PageHinkley(30, -0.1, 5, 1, Direction.BOTH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delta").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> new PageHinkley(30, Double.NaN, 5, 1, Direction.BOTH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delta");
        assertThatThrownBy(() -> new PageHinkley(30, 0.5, 0, 1, Direction.BOTH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threshold").hasMessageContaining("0.0");
        assertThatThrownBy(() -> new PageHinkley(30, 0.5, Double.POSITIVE_INFINITY, 1, Direction.BOTH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threshold");
        assertThatThrownBy(() -> new PageHinkley(30, 0.5, 5, 0, Direction.BOTH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alpha").hasMessageContaining("0.0");
        assertThatThrownBy(() -> new PageHinkley(30, 0.5, 5, 1.5, Direction.BOTH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alpha").hasMessageContaining("1.5");
        assertThatThrownBy(() -> new PageHinkley(30, 0.5, 5, 1, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("direction");
    }
}
