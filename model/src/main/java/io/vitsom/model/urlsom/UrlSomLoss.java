package io.vitsom.model.urlsom;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * URL-SOM's loss (paper section IV, equations 2-8 and its TensorFlow listing) on the softmax outputs of two views
 * of a batch. With {@code P = p / sqrt(max(sum p^2, 1e-12))} per row (as {@code tf.math.l2_normalize}), the
 * equal-probability unit vector {@code U = (1, ..., 1) / sqrt(n)} and
 * {@code a = mean_i (P+_i + P-_i) / 2}:
 *
 * <ul>
 *   <li>{@code wta = a . U} (eq. 4): small when each row is a one-hot corner of the hypercube;
 *   <li>{@code collapse = 1 - (a / ||a||) . U} (eq. 5): zero when the winners are spread evenly over the units;
 *   <li>{@code similarity = 1 - mean_i P+_i . P-_i} (eq. 6): zero when both views agree;
 *   <li>{@code total = wta + collapse + gamma * similarity} (eq. 8).
 * </ul>
 *
 * <p>Every term is linear in the batch size N and the map size n; {@code a . U} is computed as
 * {@code sum(a) / sqrt(n)}, so U is never materialised. Everything is differentiable NDArray arithmetic, for use
 * inside a {@code GradientCollector}; the results and intermediates live in {@code pPlus}'s manager (use a
 * per-step sub-manager).
 */
public final class UrlSomLoss {
    /** {@code tf.math.l2_normalize}'s epsilon on the squared norm. */
    static final double EPSILON = 1e-12;

    private UrlSomLoss() {}

    /**
     * The loss and its three parts, each a scalar (shape {@code ()}) in the inputs' data type and manager.
     *
     * @param total {@code wta + collapse + gamma * similarity}
     * @param wta the winner-take-all term (eq. 4)
     * @param collapse the anti-collapse term (eq. 5)
     * @param similarity the two-view similarity term (eq. 6), before the weight gamma
     */
    public record Terms(NDArray total, NDArray wta, NDArray collapse, NDArray similarity) {}

    /**
     * @param pPlus softmax probabilities of the first views, {@code [N, n]}
     * @param pMinus softmax probabilities of the second views, {@code [N, n]}
     * @param gamma weight of the similarity term, finite and >= 0 (the paper uses 1 to 2)
     */
    public static Terms compute(NDArray pPlus, NDArray pMinus, double gamma) {
        Objects.requireNonNull(pPlus, "pPlus");
        Objects.requireNonNull(pMinus, "pMinus");
        if (pPlus.getShape().dimension() != 2 || !pPlus.getShape().equals(pMinus.getShape())) {
            throw new IllegalArgumentException("pPlus and pMinus must both be [N, n], got " + pPlus.getShape()
                    + " and " + pMinus.getShape());
        }
        requireGamma(gamma);
        double rootN = Math.sqrt(pPlus.getShape().get(1));
        // Project each row onto the unit hypersphere (eq. 2).
        NDArray plus = l2Normalize(pPlus);
        NDArray minus = l2Normalize(pMinus);
        // Batch average of the view averages (eq. 7), [1, n].
        NDArray mean = plus.add(minus).div(2).mean(new int[] {0}, true);
        // wta = a . U (eq. 4).
        NDArray wta = times(mean.sum(), 1 / rootN);
        // collapse = 1 - A . U (eq. 5).
        NDArray collapse = oneMinus(times(l2Normalize(mean).sum(), 1 / rootN));
        // similarity = 1 - mean P+ . P- (eq. 6).
        NDArray similarity = oneMinus(plus.mul(minus).sum(new int[] {1}).mean());
        // total (eq. 8).
        NDArray total = wta.add(collapse).add(times(similarity, gamma));
        return new Terms(total, wta, collapse, similarity);
    }

    /** {@code tf.math.l2_normalize(x, axis=1)}: {@code x / sqrt(max(sum x^2, 1e-12))} per row. */
    static NDArray l2Normalize(NDArray x) {
        try (NDArray epsilon = constant(x, EPSILON)) {
            return x.div(x.square().sum(new int[] {1}, true).maximum(epsilon).sqrt());
        }
    }

    // Scalars are made in the operand's data type: NDArray.mul(Number) would make a float64 constant, and
    // libtorch promotes a float32 scalar combined with a float64 scalar to float64.

    private static NDArray times(NDArray x, double factor) {
        try (NDArray constant = constant(x, factor)) {
            return x.mul(constant);
        }
    }

    private static NDArray oneMinus(NDArray x) {
        try (NDArray one = constant(x, 1)) {
            return one.sub(x);
        }
    }

    private static NDArray constant(NDArray like, double value) {
        try (NDArray asDouble = like.getManager().create(value)) {
            return asDouble.toType(like.getDataType(), true);
        }
    }

    /**
     * The same loss in plain Java doubles, a second implementation for tests.
     *
     * @return {@code {total, wta, collapse, similarity}}
     */
    static double[] terms(double[][] pPlus, double[][] pMinus, double gamma) {
        requireGamma(gamma);
        int batch = pPlus.length;
        if (batch == 0 || pMinus.length != batch) {
            throw new IllegalArgumentException("pPlus and pMinus must have the same non-zero number of rows");
        }
        int n = pPlus[0].length;
        double[] mean = new double[n];
        double agreement = 0;
        for (int i = 0; i < batch; i++) {
            if (pPlus[i].length != n || pMinus[i].length != n) {
                throw new IllegalArgumentException("row " + i + " does not have " + n + " values");
            }
            double[] plus = l2Normalize(pPlus[i]);
            double[] minus = l2Normalize(pMinus[i]);
            for (int k = 0; k < n; k++) {
                mean[k] += (plus[k] + minus[k]) / 2 / batch;
                agreement += plus[k] * minus[k];
            }
        }
        double rootN = Math.sqrt(n);
        double wta = sum(mean) / rootN;
        double collapse = 1 - sum(l2Normalize(mean)) / rootN;
        double similarity = 1 - agreement / batch;
        return new double[] {wta + collapse + gamma * similarity, wta, collapse, similarity};
    }

    private static double[] l2Normalize(double[] x) {
        double squares = 0;
        for (double v : x) {
            squares += v * v;
        }
        double norm = Math.sqrt(Math.max(squares, EPSILON));
        double[] out = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            out[k] = x[k] / norm;
        }
        return out;
    }

    private static double sum(double[] x) {
        double total = 0;
        for (double v : x) {
            total += v;
        }
        return total;
    }

    private static void requireGamma(double gamma) {
        if (!(gamma >= 0 && Double.isFinite(gamma))) {
            throw new IllegalArgumentException("gamma must be finite and >= 0, got " + gamma);
        }
    }
}
