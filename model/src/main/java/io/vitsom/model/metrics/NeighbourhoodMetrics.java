package io.vitsom.model.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * Rank-based neighbourhood quality of a low-dimensional representation, after Venna &amp; Kaski
 * ("Neighborhood preservation in nonlinear projection methods: an experimental study", ICANN 2001):
 * trustworthiness and neighbourhood preservation (also called continuity).
 *
 * <p>With {@code N} samples and {@code k} neighbours,
 * <pre>
 *   T(k) = 1 - 2 / (N k (2N - 3k - 1)) * sum_i sum_{j in U_k(i)} (r(i, j) - k)
 * </pre>
 * where {@code U_k(i)} holds the points among the {@code k} nearest neighbours of {@code i} in the
 * output space that are not among its {@code k} nearest in the input space, and {@code r(i, j)} is
 * the rank of {@code j} among the neighbours of {@code i} by input-space distance (1 = nearest).
 * Neighbourhood preservation {@code M(k)} is the same with input and output swapped: trustworthiness
 * penalises output neighbours that are far in the input, preservation penalises input neighbours
 * that the output tore apart. Both are 1 for a perfect representation.
 *
 * <p>Distances are euclidean and a point is never its own neighbour. <b>Ties are broken by index
 * order</b>: of two points at the same distance from {@code i}, the lower index gets the smaller rank
 * (a stable sort of the indices by distance). This matters when the output is the grid position of
 * each sample's best-matching unit, where every sample on the same unit is at distance 0 from the
 * others: which of them count as the {@code k} nearest is then decided by index, as with the
 * {@code argsort} of {@code sklearn.manifold.trustworthiness} (numpy's default sort is not
 * guaranteed stable, so on heavily tied data sklearn may pick differently within a tie).
 *
 * <p>Points come as flat row-major arrays {@code [N * dim]}. Cost is {@code O(N^2 (dim + log N))}
 * time and {@code O(N)} extra memory; callers subsample to a few thousand points.
 */
public final class NeighbourhoodMetrics {

    private NeighbourhoodMetrics() {
    }

    /**
     * Trustworthiness {@code T(k)}: how far the {@code k} nearest neighbours of each point in the
     * output space really are its neighbours in the input space.
     *
     * @param input original points, row-major {@code [N * inputDim]}, finite
     * @param inputDim coordinates per input point, at least 1
     * @param output the same {@code N} points in the representation, row-major {@code [N * outputDim]}
     * @param outputDim coordinates per output point, at least 1
     * @param k neighbourhood size; at least 1 and such that {@code 2N - 3k - 1 > 0}
     * @return {@code T(k)}, in {@code [0, 1]}
     * @throws IllegalArgumentException naming the argument that is invalid
     */
    public static double trustworthiness(float[] input, int inputDim, float[] output, int outputDim, int k) {
        int n = validate(input, inputDim, output, outputDim, k);
        return 1.0 - normaliser(n, k) * rankPenalty(input, inputDim, output, outputDim, n, k);
    }

    /**
     * Neighbourhood preservation (continuity) {@code M(k)}: how far the {@code k} nearest neighbours of
     * each point in the input space stay its neighbours in the output space.
     *
     * @param input original points, row-major {@code [N * inputDim]}, finite
     * @param inputDim coordinates per input point, at least 1
     * @param output the same {@code N} points in the representation, row-major {@code [N * outputDim]}
     * @param outputDim coordinates per output point, at least 1
     * @param k neighbourhood size; at least 1 and such that {@code 2N - 3k - 1 > 0}
     * @return {@code M(k)}, in {@code [0, 1]}
     * @throws IllegalArgumentException naming the argument that is invalid
     */
    public static double neighbourhoodPreservation(
            float[] input, int inputDim, float[] output, int outputDim, int k) {
        int n = validate(input, inputDim, output, outputDim, k);
        return 1.0 - normaliser(n, k) * rankPenalty(output, outputDim, input, inputDim, n, k);
    }

    /** Scales the penalty so that the worst possible arrangement scores 0. */
    private static double normaliser(int n, int k) {
        return 2.0 / ((double) n * k * (2.0 * n - 3.0 * k - 1.0));
    }

    /**
     * {@code sum_i sum_j (r(i, j) - k)} over the points {@code j} that are among the {@code k} nearest
     * of {@code i} in {@code neighbourSpace} but not in {@code rankSpace}, ranked in {@code rankSpace}.
     */
    private static long rankPenalty(
            float[] rankSpace, int rankDim, float[] neighbourSpace, int neighbourDim, int n, int k) {
        double[] rankDistance = new double[n];
        double[] neighbourDistance = new double[n];
        int[] rank = new int[n];
        Integer[] order = new Integer[n - 1];
        long penalty = 0;
        for (int i = 0; i < n; i++) {
            squaredDistances(rankSpace, rankDim, n, i, rankDistance);
            squaredDistances(neighbourSpace, neighbourDim, n, i, neighbourDistance);

            sortOthers(i, rankDistance, order);
            for (int pos = 0; pos < order.length; pos++) {
                rank[order[pos]] = pos + 1;
            }
            sortOthers(i, neighbourDistance, order);
            for (int pos = 0; pos < k; pos++) {
                int r = rank[order[pos]];
                if (r > k) {
                    penalty += r - k;
                }
            }
        }
        return penalty;
    }

    // Squared distances order points like euclidean ones and skip a sqrt per pair.
    private static void squaredDistances(float[] points, int dim, int n, int i, double[] out) {
        int a = i * dim;
        for (int j = 0; j < n; j++) {
            int b = j * dim;
            double sum = 0;
            for (int c = 0; c < dim; c++) {
                double diff = (double) points[a + c] - points[b + c];
                sum += diff * diff;
            }
            out[j] = sum;
        }
    }

    /** Fills {@code order} with every index but {@code i}, nearest first, lower index first on ties. */
    private static void sortOthers(int i, double[] distance, Integer[] order) {
        // Ascending start + a stable sort (TimSort on objects) is what makes ties go by index.
        int pos = 0;
        for (int j = 0; j < distance.length; j++) {
            if (j != i) {
                order[pos++] = j;
            }
        }
        Arrays.sort(order, Comparator.comparingDouble(j -> distance[j]));
    }

    /** Checks every argument and returns {@code N}. */
    private static int validate(float[] input, int inputDim, float[] output, int outputDim, int k) {
        int n = rows(input, inputDim, "input", "inputDim");
        int outputRows = rows(output, outputDim, "output", "outputDim");
        if (outputRows != n) {
            throw new IllegalArgumentException(
                    "output has " + outputRows + " points but input has " + n);
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        // The normaliser's denominator; it is also what keeps k below N - 1.
        if (2L * n - 3L * k - 1 <= 0) {
            throw new IllegalArgumentException(
                    "k must satisfy 2N - 3k - 1 > 0, got k = " + k + " for N = " + n + " points");
        }
        return n;
    }

    private static int rows(float[] points, int dim, String name, String dimName) {
        Objects.requireNonNull(points, name);
        if (dim < 1) {
            throw new IllegalArgumentException(dimName + " must be at least 1, got " + dim);
        }
        if (points.length % dim != 0) {
            throw new IllegalArgumentException(
                    name + " length " + points.length + " is not a multiple of " + dimName + " = " + dim);
        }
        for (int p = 0; p < points.length; p++) {
            if (!Float.isFinite(points[p])) {
                // NaN would sort last silently and turn the ranks into noise.
                throw new IllegalArgumentException(name + "[" + p + "] is not finite: " + points[p]);
            }
        }
        return points.length / dim;
    }
}
