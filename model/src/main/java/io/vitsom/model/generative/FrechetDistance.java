package io.vitsom.model.generative;

import java.util.Objects;

/**
 * The Fréchet distance between two Gaussians, {@code |mu1 - mu2|^2 + Tr(C1 + C2 - 2 (C1 C2)^(1/2))}: the FID
 * formula (Heusel et al. 2017). In this project the Gaussians are fitted to features of this project's own
 * Fashion-MNIST classifier ({@link FeatureClassifier#features}), not to Inception-v3 features, so its values are
 * "FID (FMNIST classifier features)" and are not comparable with published Inception FIDs.
 *
 * <p>{@code C1 C2} is not symmetric, so its square root is not taken directly: with {@code S = C1^(1/2)},
 * {@code C1 C2} is similar to the symmetric positive semi-definite {@code S C2 S}, hence
 * {@code Tr((C1 C2)^(1/2)) = sum_i sqrt(eig_i(S C2 S))}. Both square roots come from {@link SymmetricEigen}; the
 * tiny negative eigenvalues rounding gives a singular covariance are clamped to 0.
 */
public final class FrechetDistance {
    private FrechetDistance() {
    }

    /**
     * The distance between {@code N(mu1, cov1)} and {@code N(mu2, cov2)}; never negative (rounding residue below 0
     * is clamped).
     *
     * @throws IllegalArgumentException when the dimensions disagree or a covariance is not symmetric and finite
     */
    public static double between(double[] mu1, double[][] cov1, double[] mu2, double[][] cov2) {
        Objects.requireNonNull(mu1, "mu1");
        Objects.requireNonNull(mu2, "mu2");
        Objects.requireNonNull(cov1, "cov1");
        Objects.requireNonNull(cov2, "cov2");
        int d = mu1.length;
        if (mu2.length != d || cov1.length != d || cov2.length != d) {
            throw new IllegalArgumentException("dimensions disagree: mu1 " + mu1.length + ", mu2 " + mu2.length
                    + ", cov1 " + cov1.length + "x, cov2 " + cov2.length + "x");
        }
        SymmetricEigen.requireSymmetric(cov2);
        double meanTerm = 0;
        for (int i = 0; i < d; i++) {
            double diff = mu1[i] - mu2[i];
            meanTerm += diff * diff;
        }
        double[][] sqrt1 = SymmetricEigen.of(cov1).apply(lambda -> Math.sqrt(Math.max(lambda, 0)));
        double[][] inner = symmetrised(multiply(multiply(sqrt1, cov2), sqrt1));
        double traceSqrt = 0;
        for (double lambda : SymmetricEigen.of(inner).values()) {
            traceSqrt += Math.sqrt(Math.max(lambda, 0));
        }
        double distance = meanTerm + trace(cov1) + trace(cov2) - 2 * traceSqrt;
        return Math.max(distance, 0);
    }

    /**
     * The distance between Gaussians fitted to two feature samples (means and unbiased covariances), rows being
     * samples: {@code a} and {@code b} are {@code [n, d]} and {@code [m, d]} with {@code n, m >= 2}.
     *
     * @throws IllegalArgumentException when a sample has fewer than 2 rows, rows of different widths or non-finite
     *     values
     */
    public static double of(float[][] a, float[][] b) {
        Gaussian ga = Gaussian.fit(a, "a");
        Gaussian gb = Gaussian.fit(b, "b");
        if (ga.mean().length != gb.mean().length) {
            throw new IllegalArgumentException("feature widths differ: " + ga.mean().length + " vs "
                    + gb.mean().length);
        }
        return between(ga.mean(), ga.covariance(), gb.mean(), gb.covariance());
    }

    /**
     * A Gaussian fitted to a sample.
     *
     * @param mean the sample mean {@code [d]}
     * @param covariance the unbiased sample covariance {@code [d, d]} (divided by {@code n - 1})
     */
    public record Gaussian(double[] mean, double[][] covariance) {
        /**
         * Fits rows {@code [n, d]}, {@code n >= 2}; {@code name} names the sample in errors. Sums run in double
         * and on centred values, so the covariance of features with a large mean keeps its precision.
         */
        public static Gaussian fit(float[][] rows, String name) {
            Objects.requireNonNull(rows, name);
            int n = rows.length;
            if (n < 2) {
                throw new IllegalArgumentException(name + " needs at least 2 samples for a covariance, got " + n);
            }
            int d = rows[0].length;
            double[] mean = new double[d];
            for (int r = 0; r < n; r++) {
                if (rows[r].length != d) {
                    throw new IllegalArgumentException(name + "[" + r + "] has " + rows[r].length
                            + " values, row 0 has " + d);
                }
                for (int i = 0; i < d; i++) {
                    if (!Float.isFinite(rows[r][i])) {
                        throw new IllegalArgumentException(name + "[" + r + "][" + i + "] is " + rows[r][i]);
                    }
                    mean[i] += rows[r][i];
                }
            }
            for (int i = 0; i < d; i++) {
                mean[i] /= n;
            }
            double[][] cov = new double[d][d];
            double[] centred = new double[d];
            for (float[] row : rows) {
                for (int i = 0; i < d; i++) {
                    centred[i] = row[i] - mean[i];
                }
                for (int i = 0; i < d; i++) {
                    double ci = centred[i];
                    double[] covRow = cov[i];
                    for (int j = i; j < d; j++) {
                        covRow[j] += ci * centred[j];
                    }
                }
            }
            for (int i = 0; i < d; i++) {
                for (int j = i; j < d; j++) {
                    cov[i][j] /= n - 1;
                    cov[j][i] = cov[i][j];
                }
            }
            return new Gaussian(mean, cov);
        }
    }

    private static double[][] multiply(double[][] x, double[][] y) {
        int n = x.length;
        int m = y[0].length;
        int inner = y.length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < inner; k++) {
                double xik = x[i][k];
                for (int j = 0; j < m; j++) {
                    out[i][j] += xik * y[k][j];
                }
            }
        }
        return out;
    }

    /** {@code (M + M^T) / 2}: removes the rounding asymmetry of a product that is symmetric in exact arithmetic. */
    private static double[][] symmetrised(double[][] m) {
        int n = m.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i][j] = (m[i][j] + m[j][i]) / 2;
            }
        }
        return out;
    }

    private static double trace(double[][] m) {
        double sum = 0;
        for (int i = 0; i < m.length; i++) {
            sum += m[i][i];
        }
        return sum;
    }
}
