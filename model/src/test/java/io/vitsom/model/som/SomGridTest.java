package io.vitsom.model.som;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SomGridTest {

    @Test
    void gaussianNeighbourhoodAroundTheCentreOfASquareMap() {
        SomGrid grid = new SomGrid(3, 3, Topology.SQUARE);
        // centre unit 4; corner unit 0 is at squared distance 2, edge unit 1 at 1; T = 1
        assertThat(grid.neighbourhood(4, 4, 1)).isEqualTo(1.0);
        assertThat(grid.neighbourhood(4, 1, 1)).isCloseTo(Math.exp(-0.5), within(1e-7)); // 0.606531
        assertThat(grid.neighbourhood(4, 0, 1)).isCloseTo(Math.exp(-1.0), within(1e-7)); // 0.367879
        // T = 2: exp(-2 / 8) = 0.778801
        assertThat(grid.neighbourhood(4, 0, 2)).isCloseTo(0.778801, within(1e-6));
    }

    @Test
    void hexagonalRowsAreShiftedAndCompressed() {
        SomGrid grid = new SomGrid(3, 3, Topology.HEXAGONAL);
        float[] pos = grid.positions();
        // unit 3 = row 1, col 0 -> (0 + 0.5, 1 * sqrt(3)/2)
        assertThat(pos[6]).isEqualTo(0.5f);
        assertThat(pos[7]).isCloseTo(0.8660254f, within(1e-6f));
        // unit 4 (row 1, col 1) touches units 0? no: (1.5, .866) vs (0, 0) is sqrt(3) away; it touches 1 and 2
        assertThat(grid.adjacent(4, 1)).isTrue();
        assertThat(grid.adjacent(4, 2)).isTrue();
        assertThat(grid.adjacent(4, 0)).isFalse();
    }

    @Test
    void squareAdjacencyIsFourNeighbourAndTheEightVariantIncludesDiagonals() {
        SomGrid grid = new SomGrid(3, 3, Topology.SQUARE);
        assertThat(grid.adjacent(4, 1)).isTrue();
        assertThat(grid.adjacent(4, 0)).isFalse();
        assertThat(grid.adjacent8(4, 0)).isTrue();
        assertThat(grid.adjacent8(0, 8)).isFalse();
    }
}
