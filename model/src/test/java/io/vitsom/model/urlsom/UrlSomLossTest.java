package io.vitsom.model.urlsom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hand values of the URL-SOM loss, each term checked in both the NDArray and the plain-double version. */
class UrlSomLossTest {
    private static final double SQRT2 = Math.sqrt(2);
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void uniformOutputsHaveFullWtaAndNoCollapse() {
        // n = 4, p = (1/4, ...): P = U, a = U, wta = U . U = 1, A = U so collapse = 1 - 1 = 0,
        // P+ . P- = 1 so similarity = 0; total = 1 for any gamma.
        double[][] p = rows(3, 4, (i, k) -> 0.25);
        assertTerms(p, p, 2.0, 1.0, 1.0, 0.0, 0.0);
    }

    @Test
    void oneHotOutputsSpreadEvenlyHaveLowWtaAndNoCollapse() {
        // n = 4, row i one-hot on unit i: P = e_i, a = (1/4, 1/4, 1/4, 1/4), wta = a . U = 4 * (1/4) / 2 = 1/2
        // = 1/sqrt(n); A = U so collapse = 0; identical views: similarity 0; total = 1/2.
        double[][] p = rows(4, 4, (i, k) -> i == k ? 1.0 : 0.0);
        assertTerms(p, p, 2.0, 0.5, 0.5, 0.0, 0.0);
    }

    @Test
    void oneHotOutputsAllOnOneUnitCollapse() {
        // n = 4, every row e_0: a = e_0, wta = 1/sqrt(4) = 1/2; A = e_0, A . U = 1/2, collapse = 1 - 1/sqrt(n)
        // = 1/2; similarity 0; total = 1.
        double[][] p = rows(5, 4, (i, k) -> k == 0 ? 1.0 : 0.0);
        assertTerms(p, p, 2.0, 1.0, 0.5, 0.5, 0.0);
    }

    @Test
    void disagreeingOneHotViewsHaveFullDissimilarity() {
        // n = 4, one row: P+ = e_0, P- = e_1. P+ . P- = 0: similarity = 1. a = (1/2, 1/2, 0, 0), wta = 1 / 2 = 1/2;
        // A = (1/sqrt2, 1/sqrt2, 0, 0), A . U = (2 / sqrt2) / 2 = 1/sqrt2, collapse = 1 - 1/sqrt2 = 0.29289;
        // total with gamma 2 = 0.5 + 0.29289 + 2 = 2.79289.
        double[][] plus = {{1, 0, 0, 0}};
        double[][] minus = {{0, 1, 0, 0}};
        assertTerms(plus, minus, 2.0, 2.5 + 1 - 1 / SQRT2, 0.5, 1 - 1 / SQRT2, 1.0);
    }

    @Test
    void partlyAgreeingViewsByHand() {
        // n = 2, one row: p+ = (0.6, 0.8) (norm 1, P+ = p+), p- = (1, 0) (P- = e_0).
        // P+ . P- = 0.6: similarity = 0.4. a = (0.8, 0.4), wta = 1.2 / sqrt2 = 0.848528;
        // |a| = sqrt(0.8) = 0.894427, A . U = 1.2 / (0.894427 sqrt2) = 0.948683, collapse = 0.051317.
        // gamma 1.5: total = 0.848528 + 0.051317 + 0.6 = 1.499845.
        double wta = 1.2 / SQRT2;
        double collapse = 1 - 1.2 / (Math.sqrt(0.8) * SQRT2);
        assertThat(wta).isCloseTo(0.848528, within(1e-6));
        assertThat(collapse).isCloseTo(0.051317, within(1e-6));
        assertTerms(new double[][] {{0.6, 0.8}}, new double[][] {{1, 0}}, 1.5, wta + collapse + 0.6, wta,
                collapse, 0.4);
    }

    @Test
    void identicalViewsHaveZeroSimilarity() {
        double[][] p = softmaxRows(new SplittableRandom(3), 6, 9);
        double[] terms = UrlSomLoss.terms(p, p, 1.0);
        assertThat(terms[3]).isCloseTo(0.0, within(1e-12));
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(flatten(p), new Shape(6, 9));
            assertThat(UrlSomLoss.compute(x, x, 1.0).similarity().toDoubleArray()[0]).isCloseTo(0.0, within(1e-12));
        }
    }

    @Test
    void ndArrayAndDoubleVersionsAgreeOnRandomSoftmaxOutputs() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int trial = 0; trial < 5; trial++) {
            int batch = 1 + rng.nextInt(8);
            int units = 1 + rng.nextInt(12);
            double[][] plus = softmaxRows(rng, batch, units);
            double[][] minus = softmaxRows(rng, batch, units);
            double gamma = 2 * rng.nextDouble();
            double[] expected = UrlSomLoss.terms(plus, minus, gamma);
            assertThat(ndTerms(plus, minus, gamma, DataType.FLOAT64)).containsExactly(expected, within(1e-12));
            assertThat(ndTerms(plus, minus, gamma, DataType.FLOAT32)).containsExactly(expected, within(1e-5));
        }
    }

    @Test
    void termsAreScalarsInTheInputType() {
        for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray p = scope.create(new float[] {0.2f, 0.8f, 0.5f, 0.5f}, new Shape(2, 2)).toType(type, false);
                UrlSomLoss.Terms terms = UrlSomLoss.compute(p, p, 1.5);
                for (NDArray term : new NDArray[] {terms.total(), terms.wta(), terms.collapse(), terms.similarity()}) {
                    assertThat(term.getShape()).isEqualTo(new Shape());
                    assertThat(term.getDataType()).isEqualTo(type);
                }
            }
        }
    }

    @Test
    void zeroRowsAreNormalisedWithTheEpsilonNotToNaN() {
        // tf.math.l2_normalize of a zero vector is zero: that row adds nothing to a and agrees with nothing.
        double[][] plus = {{0, 0}, {1, 0}};
        double[][] minus = {{0, 0}, {1, 0}};
        double[] expected = UrlSomLoss.terms(plus, minus, 1.0);
        // a = (1/2, 0): wta = 0.5 / sqrt2; collapse = 1 - 1/sqrt2; similarity = 1 - (0 + 1) / 2 = 0.5.
        assertThat(expected).containsExactly(
                new double[] {0.5 / SQRT2 + 1 - 1 / SQRT2 + 0.5, 0.5 / SQRT2, 1 - 1 / SQRT2, 0.5}, within(1e-12));
        assertThat(ndTerms(plus, minus, 1.0, DataType.FLOAT64)).containsExactly(expected, within(1e-12));
    }

    @Test
    void rejectsMismatchedShapesAndBadGamma() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = scope.ones(new Shape(2, 3));
            NDArray b = scope.ones(new Shape(2, 4));
            assertThatThrownBy(() -> UrlSomLoss.compute(a, b, 1.0))
                    .hasMessage("pPlus and pMinus must both be [N, n], got (2, 3) and (2, 4)");
            assertThatThrownBy(() -> UrlSomLoss.compute(a, a, -1.0)).hasMessage("gamma must be finite and >= 0, got -1.0");
        }
    }

    // ---- helpers shared with the other URL-SOM tests ----

    /** Checks {total, wta, collapse, similarity} in both implementations. */
    private static void assertTerms(double[][] plus, double[][] minus, double gamma, double total, double wta,
            double collapse, double similarity) {
        double[] expected = {total, wta, collapse, similarity};
        assertThat(UrlSomLoss.terms(plus, minus, gamma)).containsExactly(expected, within(1e-12));
        assertThat(ndTerms(plus, minus, gamma, DataType.FLOAT64)).containsExactly(expected, within(1e-12));
        assertThat(ndTerms(plus, minus, gamma, DataType.FLOAT32)).containsExactly(expected, within(1e-6));
    }

    static double[] ndTerms(double[][] plus, double[][] minus, double gamma, DataType type) {
        try (NDManager scope = manager.newSubManager()) {
            Shape shape = new Shape(plus.length, plus[0].length);
            NDArray p = scope.create(flatten(plus), shape).toType(type, false);
            NDArray m = scope.create(flatten(minus), shape).toType(type, false);
            UrlSomLoss.Terms terms = UrlSomLoss.compute(p, m, gamma);
            return new double[] {
                value(terms.total()), value(terms.wta()), value(terms.collapse()), value(terms.similarity())
            };
        }
    }

    private static double value(NDArray scalar) {
        return scalar.toType(DataType.FLOAT64, false).toDoubleArray()[0];
    }

    @FunctionalInterface
    interface Cell {
        double at(int row, int unit);
    }

    static double[][] rows(int batch, int units, Cell cell) {
        double[][] out = new double[batch][units];
        for (int i = 0; i < batch; i++) {
            for (int k = 0; k < units; k++) {
                out[i][k] = cell.at(i, k);
            }
        }
        return out;
    }

    static double[][] softmaxRows(SplittableRandom rng, int batch, int units) {
        double[][] out = new double[batch][units];
        for (int i = 0; i < batch; i++) {
            double total = 0;
            for (int k = 0; k < units; k++) {
                out[i][k] = Math.exp(3 * rng.nextGaussian());
                total += out[i][k];
            }
            for (int k = 0; k < units; k++) {
                out[i][k] /= total;
            }
        }
        return out;
    }

    static double[] flatten(double[][] rows) {
        double[] out = new double[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
        }
        return out;
    }
}
