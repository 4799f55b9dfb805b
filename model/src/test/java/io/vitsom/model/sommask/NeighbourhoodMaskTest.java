package io.vitsom.model.sommask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vitsom.model.som.SomGrid;
import org.junit.jupiter.api.Test;

class NeighbourhoodMaskTest {
    // 2x3 grid, winner 0 at (0, 0): squared distances 0, 1, 4 (first row) and 1, 2, 5 (second row).
    private static final SomGrid GRID = NeighbourhoodMask.gridFor(6);

    @Test
    void gridsAreTheMostSquareFactorisation() {
        assertEquals(2, GRID.rows());
        assertEquals(3, GRID.cols());
        assertEquals(10, NeighbourhoodMask.gridFor(100).rows());
        assertEquals(8, NeighbourhoodMask.gridFor(32).cols());
        assertEquals(1, NeighbourhoodMask.gridFor(7).rows());
    }

    @Test
    void gaussianOfTheGridDistanceToTheWinner() {
        float[] expected = {1f, (float) Math.exp(-0.5), (float) Math.exp(-2), (float) Math.exp(-0.5),
            (float) Math.exp(-1), (float) Math.exp(-2.5)};
        assertArrayEquals(expected, NeighbourhoodMask.values(GRID, 0, 1.0, 0), 1e-7f);
        // sigma 2: exp(-d^2 / 8); winner 4 at (1, 1) sees (0, 0) at squared distance 2.
        assertEquals((float) Math.exp(-0.25), NeighbourhoodMask.values(GRID, 4, 2.0, 0)[0], 1e-7f);
    }

    @Test
    void infiniteSigmaIsAllOnes() {
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1},
                NeighbourhoodMask.values(GRID, 2, Double.POSITIVE_INFINITY, 0));
    }

    @Test
    void topKKeepsTheKNearestUnitsAndZeroesTheRest() {
        float e = (float) Math.exp(-0.5);
        assertArrayEquals(new float[] {1f, e, 0f, e, 0f, 0f}, NeighbourhoodMask.values(GRID, 0, 1.0, 3), 1e-7f);
        // Ties at the same distance (units 1 and 3) go to the lower index, so exactly k survive.
        assertArrayEquals(new float[] {1, 1, 0, 0, 0, 0},
                NeighbourhoodMask.values(GRID, 0, Double.POSITIVE_INFINITY, 2));
        for (int k = 1; k <= 6; k++) {
            assertEquals(k, NeighbourhoodMask.active(NeighbourhoodMask.values(GRID, 5, 1.0, k)));
        }
    }

    @Test
    void tableRowsAreTheWinnersMasks() {
        float[] table = NeighbourhoodMask.table(GRID, 1.5, 4);
        for (int w = 0; w < 6; w++) {
            float[] row = new float[6];
            System.arraycopy(table, w * 6, row, 0, 6);
            assertArrayEquals(NeighbourhoodMask.values(GRID, w, 1.5, 4), row);
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> NeighbourhoodMask.values(GRID, 0, 0.0, 0));
        assertThrows(IllegalArgumentException.class, () -> NeighbourhoodMask.values(GRID, 0, 1.0, 7));
        assertThrows(IllegalArgumentException.class, () -> NeighbourhoodMask.values(GRID, 6, 1.0, 0));
    }
}
