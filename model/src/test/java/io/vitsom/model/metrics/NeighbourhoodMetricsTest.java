package io.vitsom.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NeighbourhoodMetricsTest {

    private static final double EPS = 1e-12;

    /** Five points on a line: x_i = i. */
    private static final float[] LINE = {0, 1, 2, 3, 4};

    @Test
    void identicalInputAndOutputScoreExactlyOne() {
        Random random = new Random(7);
        int n = 40;
        int dim = 3;
        float[] points = new float[n * dim];
        for (int p = 0; p < points.length; p++) {
            points[p] = (float) random.nextGaussian();
        }
        for (int k : new int[] {1, 5, 12}) {
            assertThat(NeighbourhoodMetrics.trustworthiness(points, dim, points, dim, k)).isEqualTo(1.0);
            assertThat(NeighbourhoodMetrics.neighbourhoodPreservation(points, dim, points, dim, k)).isEqualTo(1.0);
        }
    }

    @Test
    void permutedLineMatchesHandComputation() {
        // Output y = (1, 0, 3, 4, 2) for points 0..4, k = 2, normaliser 2 / (5 * 2 * (10 - 6 - 1)) = 1/15.
        // Ranks (1 = nearest, ties to the lower index), nearest first:
        //   input   0: 1 2 3 4   1: 0 2 3 4   2: 1 3 0 4   3: 2 4 1 0   4: 3 2 1 0
        //   output  0: 1 4 2 3   1: 0 4 2 3   2: 3 4 0 1   3: 2 4 0 1   4: 0 2 1 3
        // T: output 2-NN not in input 2-NN, penalty r_input - 2:
        //   0: {4} r=4 -> 2   1: {4} r=4 -> 2   2: {4} r=4 -> 2   3: none   4: {0} r=4 -> 2   sum 8
        //   T = 1 - 8/15 = 7/15
        // M: input 2-NN not in output 2-NN, penalty r_output - 2:
        //   0: {2} r=3 -> 1   1: {2} r=3 -> 1   2: {1} r=4 -> 2   3: none   4: {3} r=4 -> 2   sum 6
        //   M = 1 - 6/15 = 9/15
        float[] output = {1, 0, 3, 4, 2};
        assertThat(NeighbourhoodMetrics.trustworthiness(LINE, 1, output, 1, 2)).isCloseTo(7.0 / 15, within(EPS));
        assertThat(NeighbourhoodMetrics.neighbourhoodPreservation(LINE, 1, output, 1, 2))
                .isCloseTo(9.0 / 15, within(EPS));
    }

    @Test
    void samplesOnTheSameUnitTieByIndex() {
        // Output y = (0, 0, 1, 1, 2), as if samples 0,1 and 2,3 shared a best-matching unit; k = 1,
        // normaliser 2 / (5 * 1 * (10 - 3 - 1)) = 1/15.
        // Input 1-NN: 0->1 1->0 2->1 3->2 4->3 (point 2's tie between 1 and 3 goes to 1).
        // Output ranks: 2: 3 0 1 4   4: 2 3 0 1 (2 and 3 both at distance 1; 2 wins by index).
        // Output 1-NN: 0->1 1->0 2->3 3->2 4->2.
        // T: 2: 3 has input rank 2 -> 1;  4: 2 has input rank 2 -> 1;  sum 2, T = 13/15.
        //    (Breaking point 4's tie the other way would make it 14/15.)
        // M: 2: 1 has output rank 3 -> 2;  4: 3 has output rank 2 -> 1;  sum 3, M = 12/15.
        float[] output = {0, 0, 1, 1, 2};
        assertThat(NeighbourhoodMetrics.trustworthiness(LINE, 1, output, 1, 1)).isCloseTo(13.0 / 15, within(EPS));
        assertThat(NeighbourhoodMetrics.neighbourhoodPreservation(LINE, 1, output, 1, 1))
                .isCloseTo(12.0 / 15, within(EPS));
    }

    @Test
    void swappingSpacesSwapsTheTwoMeasures() {
        float[] output = {1, 0, 3, 4, 2};
        assertThat(NeighbourhoodMetrics.trustworthiness(output, 1, LINE, 1, 2))
                .isEqualTo(NeighbourhoodMetrics.neighbourhoodPreservation(LINE, 1, output, 1, 2));
    }

    @Test
    void multiDimensionalRowsAreReadRowMajor() {
        // The line embedded diagonally in 2-D has the same neighbour ranks as the line itself.
        float[] diagonal = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4};
        float[] output = {1, 0, 3, 4, 2};
        assertThat(NeighbourhoodMetrics.trustworthiness(diagonal, 2, output, 1, 2)).isCloseTo(7.0 / 15, within(EPS));
        assertThat(NeighbourhoodMetrics.neighbourhoodPreservation(diagonal, 2, output, 1, 2))
                .isCloseTo(9.0 / 15, within(EPS));
    }

    @Test
    void invalidArgumentsAreRejectedByName() {
        float[] output = {1, 0, 3, 4, 2};
        assertThatThrownBy(() -> NeighbourhoodMetrics.trustworthiness(LINE, 1, output, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k must be at least 1");
        // N = 5: 2N - 3k - 1 = 0 at k = 3.
        assertThatThrownBy(() -> NeighbourhoodMetrics.neighbourhoodPreservation(LINE, 1, output, 1, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2N - 3k - 1 > 0");
        assertThatThrownBy(() -> NeighbourhoodMetrics.trustworthiness(LINE, 2, output, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input length 5 is not a multiple of inputDim = 2");
        assertThatThrownBy(() -> NeighbourhoodMetrics.trustworthiness(LINE, 1, output, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outputDim must be at least 1");
        assertThatThrownBy(() -> NeighbourhoodMetrics.trustworthiness(LINE, 1, new float[] {1, 2, 3, 4}, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("output has 4 points but input has 5");
        float[] withNaN = {1, 0, Float.NaN, 4, 2};
        assertThatThrownBy(() -> NeighbourhoodMetrics.trustworthiness(LINE, 1, withNaN, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output[2] is not finite");
        assertThatThrownBy(() -> NeighbourhoodMetrics.trustworthiness(null, 1, output, 1, 1))
                .isInstanceOf(NullPointerException.class).hasMessage("input");
        assertThatThrownBy(() -> NeighbourhoodMetrics.trustworthiness(new float[0], 1, new float[0], 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("N = 0");
    }
}
