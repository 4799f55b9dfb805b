package io.vitsom.model.cluster;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Lloyd's k-means with k-means++ seeding, on rows of a dense matrix: the reference's second evaluation clusters
 * the ViT-SOM latent into k groups and scores purity/NMI on them. Deterministic for a seed.
 */
public final class KMeans {
    private KMeans() {
    }

    /**
     * The clustering.
     *
     * @param assignments cluster of every row
     * @param centroids {@code k * dim} centroid coordinates, row-major
     * @param inertia sum of squared distances of the rows to their centroids
     * @param iterations Lloyd iterations run
     */
    public record Result(int[] assignments, double[] centroids, double inertia, int iterations) {
    }

    /** Restarts {@link #fit(float[], int, int, int, long)} uses, as scikit-learn's classic {@code n_init}. */
    public static final int DEFAULT_RESTARTS = 10;
    /** scikit-learn's default {@code tol}: relative to the data's mean per-dimension variance. */
    static final double TOLERANCE = 1e-4;

    /**
     * Clusters {@code n} rows of {@code dim} values, keeping the best (lowest inertia) of
     * {@value #DEFAULT_RESTARTS} seeded restarts: one run of Lloyd's algorithm can stop in a poor local optimum.
     *
     * @param data {@code n * dim} values, row-major
     * @param k clusters (1 .. n)
     * @param maxIterations stop after this many Lloyd iterations even if assignments still change
     * @param seed seed of the first restart's k-means++ seeding (restart r uses {@code seed + r})
     */
    public static Result fit(float[] data, int dim, int k, int maxIterations, long seed) {
        Result best = null;
        for (int r = 0; r < DEFAULT_RESTARTS; r++) {
            Result candidate = fitOnce(data, dim, k, maxIterations, seed + r);
            if (best == null || candidate.inertia() < best.inertia()) {
                best = candidate;
            }
        }
        return best;
    }

    /** One run of k-means++ seeding followed by Lloyd iterations. */
    public static Result fitOnce(float[] data, int dim, int k, int maxIterations, long seed) {
        Objects.requireNonNull(data, "data");
        if (dim <= 0 || data.length % dim != 0) {
            throw new IllegalArgumentException("data length " + data.length + " is not a multiple of dim " + dim);
        }
        int n = data.length / dim;
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k must be in [1, " + n + "], got " + k);
        }
        double[] centroids = seedPlusPlus(data, n, dim, k, new SplittableRandom(seed));
        int[] assign = new int[n];
        Arrays.fill(assign, -1);
        double tolerance = TOLERANCE * meanVariance(data, n, dim);
        int iterations = 0;
        boolean changed = true;
        double shift = Double.POSITIVE_INFINITY;
        // Stops as scikit-learn's Lloyd: when no row changes cluster or the centroids moved less than the tolerance.
        while (changed && shift > tolerance && iterations < maxIterations) {
            iterations++;
            double[] current = centroids;
            // The assignment step dominates (n * k * dim); rows are independent, so it runs on every core.
            int[] next = IntStream.range(0, n).parallel().map(i -> nearest(data, i, dim, current, k)).toArray();
            changed = !Arrays.equals(next, assign);
            assign = next;
            double[] before = centroids.clone();
            double[] sums = new double[k * dim];
            int[] counts = new int[k];
            for (int i = 0; i < n; i++) {
                counts[assign[i]]++;
                for (int d = 0; d < dim; d++) {
                    sums[assign[i] * dim + d] += data[i * dim + d];
                }
            }
            for (int c = 0; c < k; c++) {
                // An emptied cluster keeps its centroid rather than collapsing onto the origin.
                if (counts[c] > 0) {
                    for (int d = 0; d < dim; d++) {
                        centroids[c * dim + d] = sums[c * dim + d] / counts[c];
                    }
                }
            }
            shift = 0;
            for (int j = 0; j < centroids.length; j++) {
                double diff = centroids[j] - before[j];
                shift += diff * diff;
            }
        }
        double inertia = 0;
        for (int i = 0; i < n; i++) {
            inertia += squared(data, i, dim, centroids, assign[i]);
        }
        return new Result(assign, centroids, inertia, iterations);
    }

    /** Mean over dimensions of the per-dimension variance: the scale of scikit-learn's relative tolerance. */
    static double meanVariance(float[] data, int n, int dim) {
        double[] mean = new double[dim];
        double[] sq = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                double v = data[i * dim + d];
                mean[d] += v;
                sq[d] += v * v;
            }
        }
        double total = 0;
        for (int d = 0; d < dim; d++) {
            double m = mean[d] / n;
            total += sq[d] / n - m * m;
        }
        return Math.max(0, total / dim);
    }

    private static double[] seedPlusPlus(float[] data, int n, int dim, int k, SplittableRandom rng) {
        double[] centroids = new double[k * dim];
        int first = rng.nextInt(n);
        for (int d = 0; d < dim; d++) {
            centroids[d] = data[first * dim + d];
        }
        double[] closest = new double[n];
        Arrays.fill(closest, Double.POSITIVE_INFINITY);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                closest[i] = Math.min(closest[i], squared(data, i, dim, centroids, c - 1));
                total += closest[i];
            }
            int pick = n - 1;
            if (total > 0) {
                // Probability proportional to the squared distance to the nearest chosen centroid.
                double target = rng.nextDouble() * total;
                for (int i = 0; i < n; i++) {
                    target -= closest[i];
                    if (target < 0) {
                        pick = i;
                        break;
                    }
                }
            } else {
                pick = rng.nextInt(n);
            }
            for (int d = 0; d < dim; d++) {
                centroids[c * dim + d] = data[pick * dim + d];
            }
        }
        return centroids;
    }

    private static int nearest(float[] data, int i, int dim, double[] centroids, int k) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            double s = squared(data, i, dim, centroids, c);
            if (s < bestDistance) {
                bestDistance = s;
                best = c;
            }
        }
        return best;
    }

    private static double squared(float[] data, int i, int dim, double[] centroids, int c) {
        double s = 0;
        for (int d = 0; d < dim; d++) {
            double diff = data[i * dim + d] - centroids[c * dim + d];
            s += diff * diff;
        }
        return s;
    }
}
