package io.vitsom.model.generative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    /** [[2, 1], [1, 2]]: eigenvalues 3 and 1 with eigenvectors (1, 1)/sqrt 2 and (1, -1)/sqrt 2. */
    @Test
    void twoByTwoMatchesTheHandComputedPairs() {
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});
        assertThat(e.values()).containsExactly(new double[] {3, 1}, within(1e-14));
        double r = Math.sqrt(0.5);
        assertThat(Math.abs(e.vectors()[0][0])).isCloseTo(r, within(1e-14));
        assertThat(e.vectors()[1][0]).isCloseTo(e.vectors()[0][0], within(1e-14));
        assertThat(e.vectors()[1][1]).isCloseTo(-e.vectors()[0][1], within(1e-14));
    }

    /**
     * [[2, -1, 0], [-1, 2, -1], [0, -1, 2]] (the 1-D Laplacian): eigenvalues 2 + sqrt 2, 2, 2 - sqrt 2; the middle
     * eigenvector is (1, 0, -1) / sqrt 2.
     */
    @Test
    void threeByThreeLaplacianMatchesItsClosedForm() {
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, -1, 0}, {-1, 2, -1}, {0, -1, 2}});
        double s = Math.sqrt(2);
        assertThat(e.values()).containsExactly(new double[] {2 + s, 2, 2 - s}, within(1e-13));
        assertThat(Math.abs(e.vectors()[0][1])).isCloseTo(1 / s, within(1e-13));
        assertThat(e.vectors()[1][1]).isCloseTo(0, within(1e-13));
        assertThat(e.vectors()[2][1]).isCloseTo(-e.vectors()[0][1], within(1e-13));
    }

    @Test
    void diagonalInputIsSortedAndKeepsTheUnitVectors() {
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{1, 0, 0}, {0, 5, 0}, {0, 0, -2}});
        assertThat(e.values()).containsExactly(5, 1, -2);
        assertThat(e.vectors()[1][0]).isEqualTo(1);
        assertThat(e.vectors()[0][1]).isEqualTo(1);
        assertThat(e.vectors()[2][2]).isEqualTo(1);
    }

    @Test
    void randomSymmetricMatrixIsReconstructedFromOrthonormalVectors() {
        int n = 12;
        Random random = new Random(7);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                a[i][j] = random.nextGaussian();
                a[j][i] = a[i][j];
            }
        }
        SymmetricEigen e = SymmetricEigen.of(a);
        double[][] back = e.apply(lambda -> lambda);
        double[][] v = e.vectors();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertThat(back[i][j]).as("A[%d][%d]", i, j).isCloseTo(a[i][j], within(1e-12));
                double dot = 0;
                for (int k = 0; k < n; k++) {
                    dot += v[k][i] * v[k][j];
                }
                assertThat(dot).as("V^T V [%d][%d]", i, j).isCloseTo(i == j ? 1 : 0, within(1e-12));
            }
        }
        for (int k = 1; k < n; k++) {
            assertThat(e.values()[k]).isLessThanOrEqualTo(e.values()[k - 1]);
        }
    }

    @Test
    void squareRootSquaresBackToThePositiveDefiniteMatrix() {
        double[][] a = {{4, 1, 0.5}, {1, 3, 0.2}, {0.5, 0.2, 2}};
        double[][] root = SymmetricEigen.of(a).apply(Math::sqrt);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double sum = 0;
                for (int k = 0; k < 3; k++) {
                    sum += root[i][k] * root[k][j];
                }
                assertThat(sum).isCloseTo(a[i][j], within(1e-12));
            }
        }
    }

    @Test
    void rejectsAsymmetricRaggedAndNonFiniteInput() {
        assertThatThrownBy(() -> SymmetricEigen.of(new double[][] {{1, 2}, {3, 1}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not symmetric");
        assertThatThrownBy(() -> SymmetricEigen.of(new double[][] {{1, 2}, {2}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("square");
        assertThatThrownBy(() -> SymmetricEigen.of(new double[][] {{Double.NaN}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> SymmetricEigen.of(new double[0][]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }
}
