package io.vitsom.model.generative;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;

/**
 * The eigendecomposition {@code A = V diag(values) V^T} of a real symmetric matrix by the cyclic Jacobi method:
 * plane rotations zero one off-diagonal element at a time, sweeping over all of them until the off-diagonal mass is
 * negligible. Jacobi is slower than tridiagonalisation plus QR but simple, unconditionally convergent on symmetric
 * input and accurate for the small (feature-width) matrices the Fréchet distance needs.
 *
 * @param values the eigenvalues, largest first
 * @param vectors {@code vectors[i][k]} is component {@code i} of the unit eigenvector of {@code values[k]}
 *     (eigenvectors are the columns, as in {@code V})
 */
public record SymmetricEigen(double[] values, double[][] vectors) {
    /** Sweeps after which a matrix that has not converged is reported (Jacobi needs well under 20 in practice). */
    private static final int MAX_SWEEPS = 100;
    /** Relative off-diagonal mass at which the iteration stops. */
    private static final double TOLERANCE = 1e-15;
    /** Relative asymmetry above which the input is rejected rather than silently symmetrised. */
    private static final double SYMMETRY_TOLERANCE = 1e-9;

    public SymmetricEigen {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(vectors, "vectors");
    }

    /**
     * Decomposes {@code symmetric} (left unchanged).
     *
     * @throws IllegalArgumentException when the matrix is empty, not square, not finite or not symmetric
     */
    public static SymmetricEigen of(double[][] symmetric) {
        int n = requireSymmetric(symmetric);
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = symmetric[i].clone();
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        double total = frobeniusSquared(a);
        int sweep = 0;
        while (offDiagonalSquared(a) > TOLERANCE * TOLERANCE * total) {
            if (++sweep > MAX_SWEEPS) {
                throw new IllegalStateException("Jacobi did not converge in " + MAX_SWEEPS + " sweeps (n = " + n + ")");
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] != 0) {
                        rotate(a, v, p, q);
                    }
                }
            }
        }
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer k) -> a[k][k]).reversed());
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = a[order[k]][order[k]];
            for (int i = 0; i < n; i++) {
                vectors[i][k] = v[i][order[k]];
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    /**
     * {@code V diag(f(values)) V^T}: the matrix function {@code f} of the decomposed matrix (its square root with
     * {@code f = sqrt}, the matrix itself with the identity).
     */
    public double[][] apply(DoubleUnaryOperator f) {
        int n = values.length;
        double[] fv = new double[n];
        for (int k = 0; k < n; k++) {
            fv[k] = f.applyAsDouble(values[k]);
        }
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += vectors[i][k] * fv[k] * vectors[j][k];
                }
                out[i][j] = sum;
                out[j][i] = sum;
            }
        }
        return out;
    }

    /**
     * The rotation {@code A <- J^T A J}, {@code V <- V J} in the plane {@code (p, q)} that zeroes {@code a[p][q]}
     * (Rutishauser's form: {@code t = tan(phi)} as the smaller root, so the rotation angle stays below pi/4 and the
     * off-diagonal mass shrinks monotonically).
     */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        int n = a.length;
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        double t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.hypot(theta, 1));
        double c = 1 / Math.hypot(t, 1);
        double s = t * c;
        for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        // Exactly zero, not the rounding residue, so the next sweep skips the pair.
        a[p][q] = 0;
        a[q][p] = 0;
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }

    /** The side of {@code a} after checking that it is a non-empty, finite, symmetric square matrix. */
    static int requireSymmetric(double[][] a) {
        Objects.requireNonNull(a, "matrix");
        int n = a.length;
        if (n == 0) {
            throw new IllegalArgumentException("matrix must not be empty");
        }
        double scale = 0;
        for (int i = 0; i < n; i++) {
            if (a[i] == null || a[i].length != n) {
                throw new IllegalArgumentException("matrix must be square: row " + i + " has "
                        + (a[i] == null ? "no" : a[i].length) + " entries, expected " + n);
            }
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(a[i][j])) {
                    throw new IllegalArgumentException("matrix[" + i + "][" + j + "] is " + a[i][j]);
                }
                scale = Math.max(scale, Math.abs(a[i][j]));
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (Math.abs(a[i][j] - a[j][i]) > SYMMETRY_TOLERANCE * scale) {
                    throw new IllegalArgumentException("matrix is not symmetric: [" + i + "][" + j + "] = " + a[i][j]
                            + " but [" + j + "][" + i + "] = " + a[j][i]);
                }
            }
        }
        return n;
    }

    private static double frobeniusSquared(double[][] a) {
        double sum = 0;
        for (double[] row : a) {
            for (double x : row) {
                sum += x * x;
            }
        }
        return sum;
    }

    private static double offDiagonalSquared(double[][] a) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                if (i != j) {
                    sum += a[i][j] * a[i][j];
                }
            }
        }
        return sum;
    }
}
