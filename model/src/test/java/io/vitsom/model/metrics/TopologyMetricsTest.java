package io.vitsom.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vitsom.model.config.Distance;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import org.junit.jupiter.api.Test;

class TopologyMetricsTest {

    private static final double EPS = 1e-6; // distances are floats

    // 3x3 square map, units numbered
    //   0 1 2
    //   3 4 5
    //   6 7 8
    private static final SomGrid SQUARE = new SomGrid(3, 3, Topology.SQUARE);

    /** Four samples; every distance not listed is 1.0. */
    private static float[][] distances() {
        float[][] d = new float[4][9];
        for (float[] row : d) {
            java.util.Arrays.fill(row, 1f);
        }
        d[0][4] = 0.1f; // BMU 4, 2nd 5: 4-neighbours
        d[0][5] = 0.2f;
        d[1][0] = 0.3f; // BMU 0, 2nd 4: diagonal, only an 8-neighbour
        d[1][4] = 0.4f;
        d[2][0] = 0.5f; // BMU 0, 2nd 8: opposite corners
        d[2][8] = 0.6f;
        d[3][4] = 0.2f; // tie 4 vs 7: BMU is the lower index 4, 2nd is 7, 4-neighbours
        d[3][7] = 0.2f;
        return d;
    }

    @Test
    void batchStatisticsOnSquareMap() {
        // QE = (0.1 + 0.3 + 0.5 + 0.2) / 4 = 0.275
        // TE (4-neighbourhood): samples 1 and 2 fail -> 2/4 = 0.5
        // TE (8-neighbourhood): only sample 2 fails -> 1/4 = 0.25
        // hits: unit 4 -> 2 (samples 0, 3), unit 0 -> 2 (samples 1, 2); 7 of 9 units dead
        // hit entropy: p = (1/2, 1/2) -> ln 2
        TopologyMetrics.Summary s = TopologyMetrics.summarize(SQUARE, distances());
        assertThat(s.samples()).isEqualTo(4);
        assertThat(s.quantizationError()).isCloseTo(0.275, within(EPS));
        assertThat(s.topographicError()).isEqualTo(0.5);
        assertThat(s.topographicError8()).isEqualTo(0.25);
        assertThat(s.deadUnitShare()).isCloseTo(7.0 / 9, within(1e-12));
        assertThat(s.hitEntropy()).isCloseTo(Math.log(2), within(1e-12));

        assertThat(TopologyMetrics.quantizationError(distances())).isCloseTo(0.275, within(EPS));
        assertThat(TopologyMetrics.topographicError(SQUARE, distances())).isEqualTo(0.5);
        assertThat(TopologyMetrics.topographicError8(SQUARE, distances())).isEqualTo(0.25);
        assertThat(TopologyMetrics.bmus(distances())).containsExactly(4, 0, 0, 4);
    }

    @Test
    void flatDistancesGiveTheSameSummary() {
        float[][] nested = distances();
        float[] flat = new float[4 * 9];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(nested[i], 0, flat, i * 9, 9);
        }
        assertThat(TopologyMetrics.summarize(SQUARE, flat)).isEqualTo(TopologyMetrics.summarize(SQUARE, nested));
        assertThat(TopologyMetrics.quantizationError(flat, 9)).isCloseTo(0.275, within(EPS));
    }

    @Test
    void hexagonalAdjacencyIsUsedOnHexMaps() {
        // Hex 3x3: row 1 is shifted right by 1/2, so unit 4 at (1.5, sqrt3/2) touches 1 (1, 0) and
        // 2 (2, 0) at distance 1, while on the square map 4 and 2 are only diagonal neighbours.
        SomGrid hex = new SomGrid(3, 3, Topology.HEXAGONAL);
        float[][] d = {{1, 1, 0.2f, 1, 0.1f, 1, 1, 1, 1}}; // BMU 4, 2nd 2
        assertThat(TopologyMetrics.summarize(hex, d).topographicError()).isEqualTo(0.0);
        assertThat(TopologyMetrics.summarize(SQUARE, d).topographicError()).isEqualTo(1.0);
        assertThat(TopologyMetrics.summarize(SQUARE, d).topographicError8()).isEqualTo(0.0);
    }

    @Test
    void hitStatistics() {
        // hits (1, 1, 2, 0): one of four units dead; p = (1/4, 1/4, 1/2)
        // H = 2 * 1/4 ln 4 + 1/2 ln 2 = ln 2 + 1/2 ln 2 = 1.5 ln 2 = 1.03972077...
        int[] hits = {1, 1, 2, 0};
        assertThat(TopologyMetrics.deadUnitShare(hits)).isEqualTo(0.25);
        assertThat(TopologyMetrics.hitEntropy(hits)).isCloseTo(1.5 * Math.log(2), within(1e-12));
        // Uniform hits reach the maximum ln(units).
        assertThat(TopologyMetrics.hitEntropy(new int[] {3, 3, 3})).isCloseTo(Math.log(3), within(1e-12));
        assertThat(TopologyMetrics.hitEntropy(new int[] {0, 0})).isNaN();
    }

    @Test
    void prototypeDrift() {
        // unit 0 moves (0,0) -> (3,4): 5; unit 1 stays: 0; unit 2 moves (2,2) -> (2,3): 1
        // mean (5 + 0 + 1) / 3 = 2, max 5
        float[][] before = {{0, 0}, {1, 1}, {2, 2}};
        float[][] after = {{3, 4}, {1, 1}, {2, 3}};
        assertThat(TopologyMetrics.prototypeDrift(before, after)).isEqualTo(new TopologyMetrics.Drift(2.0, 5.0));
        assertThat(TopologyMetrics.prototypeDrift(new float[] {0, 0, 1, 1, 2, 2}, new float[] {3, 4, 1, 1, 2, 3}, 2))
                .isEqualTo(new TopologyMetrics.Drift(2.0, 5.0));
    }

    /**
     * The 3x3 map's nine 2-d prototypes before and after, with the per-unit distances worked out by hand:
     *
     * <pre>
     * unit  before   after     euclidean  cosine (1 - cos angle)    manhattan
     *  0    (1, 0)   (0, 1)    sqrt 2     1 (90 degrees)            2
     *  1    (1, 0)   (-1, 0)   2          2 (180 degrees)           2
     *  2    (1, 0)   (2, 0)    1          0 (same direction)        1
     *  3    (1, 0)   (1, 1)    1          1 - 1/sqrt 2 (45 degrees) 1
     *  4    (3, 4)   (4, 3)    sqrt 2     1 - 24/25 = 0.04          2
     *  5    (3, 4)   (3, 4)    0          0                         0
     *  6    (0, 1)   (0, 1)    0          0                         0
     *  7    (0, 2)   (0, 5)    3          0 (same direction)        3
     *  8    (1, 1)   (-1, -1)  2 sqrt 2   2 (180 degrees)           4
     * </pre>
     */
    private static final float[][] BEFORE = {{1, 0}, {1, 0}, {1, 0}, {1, 0}, {3, 4}, {3, 4}, {0, 1}, {0, 2}, {1, 1}};
    private static final float[][] AFTER = {{0, 1}, {-1, 0}, {2, 0}, {1, 1}, {4, 3}, {3, 4}, {0, 1}, {0, 5},
        {-1, -1}};

    private static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int k = 0; k < rows.length; k++) {
            System.arraycopy(rows[k], 0, out, k * rows[k].length, rows[k].length);
        }
        return out;
    }

    @Test
    void euclideanDriftOfANineUnitMapIsTheMeanAndMaxOfTheHandComputedMoves() {
        // sum = sqrt2 + 2 + 1 + 1 + sqrt2 + 0 + 0 + 3 + 2 sqrt2 = 7 + 4 sqrt2; the largest move is unit 7's 3.
        double mean = (7 + 4 * Math.sqrt(2)) / 9;
        TopologyMetrics.Drift drift = TopologyMetrics.prototypeDrift(Distance.EUCLIDEAN, BEFORE, AFTER);
        assertThat(drift.mean()).isCloseTo(mean, within(1e-12));
        assertThat(drift.max()).isCloseTo(3.0, within(1e-12));
        assertThat(TopologyMetrics.prototypeDrift(Distance.EUCLIDEAN, flat(BEFORE), flat(AFTER), 2)).isEqualTo(drift);
        assertThat(TopologyMetrics.prototypeDrift(BEFORE, AFTER)).as("the overloads without a distance are euclidean")
                .isEqualTo(drift);
    }

    @Test
    void cosineDriftIgnoresScaleAndMeasuresTheAngle() {
        // sum = 1 + 2 + 0 + (1 - 1/sqrt2) + 0.04 + 0 + 0 + 0 + 2 = 6.04 - 1/sqrt2; units 1 and 8 turned around: 2.
        // Unit 7 moved furthest in euclidean terms but kept its direction: 0 here.
        double mean = (6.04 - 1 / Math.sqrt(2)) / 9;
        TopologyMetrics.Drift drift = TopologyMetrics.prototypeDrift(Distance.COSINE, BEFORE, AFTER);
        assertThat(drift.mean()).isCloseTo(mean, within(1e-12));
        assertThat(drift.max()).isCloseTo(2.0, within(1e-12));
        TopologyMetrics.Drift fromFlat = TopologyMetrics.prototypeDrift(Distance.COSINE, flat(BEFORE), flat(AFTER), 2);
        assertThat(fromFlat.mean()).isCloseTo(mean, within(1e-12));
        assertThat(fromFlat.max()).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void manhattanDriftSumsTheAbsoluteCoordinateMoves() {
        // sum = 2 + 2 + 1 + 1 + 2 + 0 + 0 + 3 + 4 = 15; unit 8 moved 4.
        TopologyMetrics.Drift drift = TopologyMetrics.prototypeDrift(Distance.MANHATTAN, flat(BEFORE), flat(AFTER), 2);
        assertThat(drift.mean()).isCloseTo(15.0 / 9, within(1e-12));
        assertThat(drift.max()).isEqualTo(4.0);
    }

    @Test
    void driftOfUnchangedPrototypesIsZeroInEveryDistance() {
        for (Distance distance : Distance.values()) {
            assertThat(TopologyMetrics.prototypeDrift(distance, BEFORE, BEFORE).max()).as(distance.configName())
                    .isCloseTo(0.0, within(1e-12));
        }
    }

    @Test
    void driftOfMismatchedMatricesFailsNamingTheShapes() {
        assertThatThrownBy(() -> TopologyMetrics.prototypeDrift(Distance.COSINE, new float[6], new float[4], 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prototype arrays of length 6 and 4 are not the same whole number of rows of 2");
        assertThatThrownBy(() -> TopologyMetrics.prototypeDrift(Distance.COSINE, BEFORE, new float[8][2]))
                .hasMessage("prototype matrices must have the same, non-zero unit count: 9 vs 8");
    }

    @Test
    void emptyBatchIsUndefinedButAllUnitsAreDead() {
        TopologyMetrics.Summary s = TopologyMetrics.summarize(SQUARE, new float[0][]);
        assertThat(s.quantizationError()).isNaN();
        assertThat(s.topographicError()).isNaN();
        assertThat(s.deadUnitShare()).isEqualTo(1.0);
    }
}
