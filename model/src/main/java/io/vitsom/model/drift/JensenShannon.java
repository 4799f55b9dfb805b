package io.vitsom.model.drift;

import java.util.Objects;

/**
 * The Jensen-Shannon divergence between two discrete distributions, in bits: JS(p, q) = KL(p || m) / 2 +
 * KL(q || m) / 2 with m = (p + q) / 2. Both inputs are normalised to sum to 1 first, so raw hit counts of two maps
 * (or of one map at two times) can be compared directly. With base-2 logarithms the result lies in [0, 1]: 0 for
 * equal distributions, 1 for disjoint supports. Unlike KL it is symmetric and finite when one side has empty
 * cells, which is why it suits hit maps with dead units.
 */
public final class JensenShannon {
    private static final double LN2 = Math.log(2);

    private JensenShannon() {
    }

    /**
     * JS divergence of two non-negative weight vectors, each normalised to a distribution.
     *
     * @param p weights of the first distribution
     * @param q weights of the second, as many as p
     * @return the divergence in bits, in [0, 1]
     * @throws IllegalArgumentException when the lengths differ, a weight is negative or not finite, or a vector
     *     has no positive weight
     */
    public static double divergence(double[] p, double[] q) {
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(q, "q");
        checkLengths(p.length, q.length);
        return divergenceOfNormalised(normalise(p, "p"), normalise(q, "q"));
    }

    /**
     * JS divergence of two count vectors (hit maps), each normalised to a distribution.
     *
     * @param p counts of the first distribution
     * @param q counts of the second, as many as p
     * @return the divergence in bits, in [0, 1]
     * @throws IllegalArgumentException when the lengths differ, a count is negative, or a vector is all zero
     */
    public static double divergence(long[] p, long[] q) {
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(q, "q");
        checkLengths(p.length, q.length);
        return divergenceOfNormalised(normalise(p, "p"), normalise(q, "q"));
    }

    private static void checkLengths(int p, int q) {
        if (p != q) {
            throw new IllegalArgumentException("p and q must have the same length, got " + p + " and " + q);
        }
    }

    private static double[] normalise(double[] w, String name) {
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            if (!(w[i] >= 0) || Double.isInfinite(w[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] must be finite and non-negative, got " + w[i]);
            }
            sum += w[i];
        }
        if (sum == 0) {
            throw new IllegalArgumentException(name + " has no positive weight");
        }
        double[] d = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            d[i] = w[i] / sum;
        }
        return d;
    }

    private static double[] normalise(long[] c, String name) {
        // A double sum cannot overflow where a long sum of large counts could.
        double sum = 0;
        for (int i = 0; i < c.length; i++) {
            if (c[i] < 0) {
                throw new IllegalArgumentException(name + "[" + i + "] must be non-negative, got " + c[i]);
            }
            sum += c[i];
        }
        if (sum == 0) {
            throw new IllegalArgumentException(name + " has no positive count");
        }
        double[] d = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            d[i] = c[i] / sum;
        }
        return d;
    }

    private static double divergenceOfNormalised(double[] p, double[] q) {
        double js = 0;
        for (int i = 0; i < p.length; i++) {
            double m = (p[i] + q[i]) / 2;
            js += term(p[i], m) + term(q[i], m);
        }
        // Rounding can push a near-zero or near-one result just outside the range the caller relies on.
        return Math.min(1, Math.max(0, js / 2 / LN2));
    }

    /** One cell of KL(x || m) in nats; 0 log 0 = 0, and m &gt; 0 whenever x &gt; 0. */
    private static double term(double x, double m) {
        return x == 0 ? 0 : x * Math.log(x / m);
    }
}
