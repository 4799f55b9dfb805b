package io.vitsom.model.urlsom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The paper's Fig. 3: n = 2, p(x) = [sigmoid(x), 1 - sigmoid(x)], each sample p(x) with probability q and the
 * mirrored 1 - p(x) otherwise. wta + collapse is smallest when the softmax saturates (large x) and the winners
 * are split evenly (q = 0.5).
 *
 * <p>The batch is deterministic: exactly {@code q * 1000} rows p(x), the rest mirrored; both views equal. Then
 * a = q P(x) + (1 - q) mirror(P(x)), so wta = a . U = (P_1 + P_2) / sqrt2 does not depend on q and falls with x,
 * while collapse is 0 at q = 0.5 and positive elsewhere once x > 0 (at x = 0 every row is (1/2, 1/2)).
 */
class UrlSomLossFigure3Test {
    private static final int BATCH = 1000;
    private static final int X_STEPS = 12; // x = 0, 0.5, ..., 6
    private static final int Q_STEPS = 10; // q = 0, 0.1, ..., 1

    @Test
    void minimumIsAtSaturationWithAnEvenSplit() {
        double best = Double.MAX_VALUE;
        int bestX = -1;
        int bestQ = -1;
        for (int xi = 0; xi <= X_STEPS; xi++) {
            for (int qi = 0; qi <= Q_STEPS; qi++) {
                double value = wtaPlusCollapse(xi * 0.5, qi, false);
                if (value < best - 1e-12) {
                    best = value;
                    bestX = xi;
                    bestQ = qi;
                }
            }
        }
        assertThat(bestX).isEqualTo(X_STEPS);
        assertThat(bestQ).isEqualTo(Q_STEPS / 2);
        // At q = 0.5 and x = 6: P ~ (0.99753, 0.00247) / norm, wta = (P_1 + P_2) / sqrt2, collapse = 0.
        double s = 1 / (1 + Math.exp(-6));
        assertThat(best).isCloseTo((s + (1 - s)) / Math.hypot(s, 1 - s) / Math.sqrt(2), within(1e-12));
    }

    @Test
    void evenSplitBeatsTheCollapsedBatchesAtEveryX() {
        for (int xi = 0; xi <= X_STEPS; xi++) {
            double x = xi * 0.5;
            double even = wtaPlusCollapse(x, Q_STEPS / 2, false);
            double allFirst = wtaPlusCollapse(x, Q_STEPS, false);
            double allSecond = wtaPlusCollapse(x, 0, false);
            if (xi == 0) {
                // p(0) = (1/2, 1/2) is its own mirror: every q gives the same batch, wta 1, collapse 0.
                assertThat(even).isCloseTo(1.0, within(1e-12));
                assertThat(allFirst).isCloseTo(even, within(1e-12));
                assertThat(allSecond).isCloseTo(even, within(1e-12));
            } else {
                assertThat(even).isLessThan(allFirst);
                assertThat(even).isLessThan(allSecond);
            }
        }
    }

    @Test
    void wtaPlusCollapseFallsWithXAtTheEvenSplit() {
        double previous = Double.MAX_VALUE;
        for (int xi = 0; xi <= X_STEPS; xi++) {
            double value = wtaPlusCollapse(xi * 0.5, Q_STEPS / 2, false);
            assertThat(value).isLessThan(previous);
            previous = value;
        }
    }

    @Test
    void ndArrayVersionReproducesTheCurveAtSamplePoints() {
        for (int xi : new int[] {0, 3, 12}) {
            for (int qi : new int[] {0, 2, 5, 10}) {
                assertThat(wtaPlusCollapse(xi * 0.5, qi, true))
                        .isCloseTo(wtaPlusCollapse(xi * 0.5, qi, false), within(1e-12));
            }
        }
    }

    /** wta + collapse for the batch with share {@code qi / Q_STEPS} of rows p(x), by either implementation. */
    private static double wtaPlusCollapse(double x, int qi, boolean ndArray) {
        double s = 1 / (1 + Math.exp(-x));
        int first = BATCH * qi / Q_STEPS;
        double[][] p = new double[BATCH][];
        for (int i = 0; i < BATCH; i++) {
            p[i] = i < first ? new double[] {s, 1 - s} : new double[] {1 - s, s};
        }
        double[] terms;
        if (ndArray) {
            try (NDManager manager = NDManager.newBaseManager()) {
                terms = ndTerms(manager, p);
            }
        } else {
            terms = UrlSomLoss.terms(p, p, 1.0);
        }
        assertThat(terms[3]).isCloseTo(0.0, within(1e-12)); // both views equal
        return terms[1] + terms[2];
    }

    private static double[] ndTerms(NDManager manager, double[][] p) {
        NDArray array = manager.create(UrlSomLossTest.flatten(p), new Shape(p.length, 2));
        UrlSomLoss.Terms terms = UrlSomLoss.compute(array, array, 1.0);
        return new double[] {
            terms.total().getDouble(),
            terms.wta().getDouble(),
            terms.collapse().getDouble(),
            terms.similarity().getDouble()
        };
    }
}
