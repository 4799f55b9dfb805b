package io.vitsom.model.generative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class InceptionScoreTest {

    /** Confident predictions spread evenly over K classes: each KL is log K, so the score is K. */
    @Test
    void evenlySpreadOneHotPredictionsScoreTheClassCount() {
        int k = 10;
        float[][] p = new float[3 * k][k];
        for (int i = 0; i < p.length; i++) {
            p[i][i % k] = 1;
        }
        assertThat(InceptionScore.of(p)).isCloseTo(k, within(1e-9));
    }

    @Test
    void identicalPredictionsScoreOne() {
        float[][] p = new float[5][];
        for (int i = 0; i < p.length; i++) {
            p[i] = new float[] {0.2f, 0.5f, 0.3f};
        }
        assertThat(InceptionScore.of(p)).isCloseTo(1, within(1e-12));
    }

    /**
     * Rows (1, 0) and (0.5, 0.5): p(y) = (0.75, 0.25); KL1 = log(1 / 0.75) = log(4/3), KL2 = 0.5 log(0.5 / 0.75) +
     * 0.5 log(0.5 / 0.25) = 0.5 log(4/3); the mean is 0.75 log(4/3), so the score is (4/3)^0.75 = 1.2408.
     */
    @Test
    void twoClassCaseMatchesTheHandComputedValue() {
        double score = InceptionScore.of(new float[][] {{1, 0}, {0.5f, 0.5f}});
        assertThat(score).isCloseTo(Math.pow(4.0 / 3.0, 0.75), within(1e-7));
        assertThat(score).isCloseTo(1.2408, within(1e-4));
    }

    /**
     * Four rows in two splits: split 0 = {(1, 0), (0, 1)} scores 2, split 1 = {(1, 0), (0.5, 0.5)} scores
     * (4/3)^0.75 (the case above); their mean and population standard deviation.
     */
    @Test
    void splitsReportMeanAndStandardDeviationOfTheirScores() {
        float[][] p = {{1, 0}, {0, 1}, {1, 0}, {0.5f, 0.5f}};
        double second = Math.pow(4.0 / 3.0, 0.75);
        InceptionScore.SplitScores split = InceptionScore.of(p, 2);
        assertThat(split.mean()).isCloseTo((2 + second) / 2, within(1e-7));
        assertThat(split.std()).isCloseTo((2 - second) / 2, within(1e-7));
        assertThat(InceptionScore.of(p, 1).mean()).isCloseTo(InceptionScore.of(p), within(1e-12));
        assertThat(InceptionScore.of(p, 1).std()).isZero();
    }

    @Test
    void rejectsRowsThatAreNotDistributionsAndBadSplits() {
        assertThatThrownBy(() -> InceptionScore.of(new float[][] {{0.5f, 0.2f}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sums to");
        assertThatThrownBy(() -> InceptionScore.of(new float[][] {{1.5f, -0.5f}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("probability -0.5");
        assertThatThrownBy(() -> InceptionScore.of(new float[][] {{1, 0}, {1}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 1 has 1 classes");
        assertThatThrownBy(() -> InceptionScore.of(new float[][] {{1, 0}}, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("splits must be in [1, 1]");
    }
}
