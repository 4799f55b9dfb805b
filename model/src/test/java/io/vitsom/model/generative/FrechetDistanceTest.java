package io.vitsom.model.generative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

    /**
     * Diagonal covariances commute, so the trace term is {@code sum (sqrt a_i - sqrt b_i)^2}: means (1, 2) and
     * (4, 6) give |dmu|^2 = 9 + 16 = 25; variances (4, 9) and (1, 16) give (2 - 1)^2 + (3 - 4)^2 = 2: 27.
     */
    @Test
    void diagonalGaussiansMatchTheClosedForm() {
        double d = FrechetDistance.between(new double[] {1, 2}, new double[][] {{4, 0}, {0, 9}},
                new double[] {4, 6}, new double[][] {{1, 0}, {0, 16}});
        assertThat(d).isCloseTo(27, within(1e-12));
    }

    /**
     * {@code C2 = k^2 C1} gives {@code (C1 C2)^(1/2) = k C1}, so the trace term is {@code (1 - k)^2 Tr(C1)}: with
     * Tr(C1) = 4 + 3 + 2 = 9, k = 3 and |dmu|^2 = 1 + 0 + 4 = 5, the distance is 5 + 4 * 9 = 41.
     */
    @Test
    void scaledNonDiagonalCovarianceMatchesTheClosedForm() {
        double[][] c1 = {{4, 1, 0.5}, {1, 3, -0.7}, {0.5, -0.7, 2}};
        double[][] c2 = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                c2[i][j] = 9 * c1[i][j];
            }
        }
        double d = FrechetDistance.between(new double[] {0, 1, 2}, c1, new double[] {1, 1, 0}, c2);
        assertThat(d).isCloseTo(41, within(1e-10));
    }

    @Test
    void identicalInputsGiveZeroEvenWithASingularCovariance() {
        double[][] singular = {{1, 1, 0}, {1, 1, 0}, {0, 0, 2}};
        assertThat(FrechetDistance.between(new double[] {1, 2, 3}, singular, new double[] {1, 2, 3}, singular))
                .isCloseTo(0, within(1e-7));
        float[][] sample = gaussianSample(new Random(3), 50, new double[] {1, -1}, new double[][] {{1, 0}, {0.5, 1}});
        assertThat(FrechetDistance.of(sample, sample)).isCloseTo(0, within(1e-9));
    }

    /**
     * 40 000 draws each from N((0, 0, 0), L1 L1^T) and N((1, 0, -1), L2 L2^T): the sample estimate lands within a
     * few hundredths of the closed form (the estimator's spread at this size is about 0.01).
     */
    @Test
    void samplesFromKnownGaussiansComeNearTheClosedForm() {
        double[][] l1 = {{1, 0, 0}, {0.5, 1, 0}, {0.2, -0.3, 0.8}};
        double[][] l2 = {{1.5, 0, 0}, {0, 0.7, 0}, {0.4, 0.1, 1.2}};
        double[] mu1 = {0, 0, 0};
        double[] mu2 = {1, 0, -1};
        Random random = new Random(11);
        float[][] a = gaussianSample(random, 40_000, mu1, l1);
        float[][] b = gaussianSample(random, 40_000, mu2, l2);
        double exact = FrechetDistance.between(mu1, lowerTimesTranspose(l1), mu2, lowerTimesTranspose(l2));
        assertThat(exact).isGreaterThan(2);
        assertThat(FrechetDistance.of(a, b)).isCloseTo(exact, within(0.05));
    }

    @Test
    void fittedGaussianUsesTheUnbiasedCovariance() {
        FrechetDistance.Gaussian g = FrechetDistance.Gaussian.fit(new float[][] {{1, 2}, {3, 2}, {5, 8}}, "x");
        assertThat(g.mean()).containsExactly(3, 4);
        // Centred: (-2, -2), (0, -2), (2, 4); sums of products / (3 - 1).
        assertThat(g.covariance()[0]).containsExactly(4, 6);
        assertThat(g.covariance()[1]).containsExactly(6, 12);
    }

    @Test
    void rejectsMismatchedOrTooSmallSamples() {
        assertThatThrownBy(() -> FrechetDistance.of(new float[][] {{1, 2}}, new float[][] {{1, 2}, {3, 4}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 samples");
        assertThatThrownBy(() -> FrechetDistance.of(new float[][] {{1, 2}, {2, 3}}, new float[][] {{1}, {3}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("widths differ");
        assertThatThrownBy(() -> FrechetDistance.between(new double[] {0}, new double[][] {{1}},
                new double[] {0, 0}, new double[][] {{1, 0}, {0, 1}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimensions disagree");
    }

    /** Rows {@code mu + L z} with {@code z ~ N(0, I)}: a sample of {@code N(mu, L L^T)}. */
    private static float[][] gaussianSample(Random random, int n, double[] mu, double[][] lower) {
        int d = mu.length;
        float[][] out = new float[n][d];
        double[] z = new double[d];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < d; i++) {
                z[i] = random.nextGaussian();
            }
            for (int i = 0; i < d; i++) {
                double x = mu[i];
                for (int k = 0; k < d; k++) {
                    x += lower[i][k] * z[k];
                }
                out[r][i] = (float) x;
            }
        }
        return out;
    }

    private static double[][] lowerTimesTranspose(double[][] l) {
        int d = l.length;
        double[][] out = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < d; k++) {
                    out[i][j] += l[i][k] * l[j][k];
                }
            }
        }
        return out;
    }
}
