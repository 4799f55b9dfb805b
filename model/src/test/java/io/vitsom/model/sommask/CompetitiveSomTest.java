package io.vitsom.model.sommask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class CompetitiveSomTest {
    @Test
    void batchStepSumsTheKohonenRuleAndCapsItAtTheWeightedMean() {
        // 1x2 map, sigma 1: h(0, 1) = exp(-1/2). Inputs 0.2 (winner 0) and 0.9 (winner 1); both units have mass 1 + h.
        double h = Math.exp(-0.5);
        double mass = 1 + h;
        float[][] small = step(0.5);
        // lr * mass = 0.80 < 1: the plain sum of the per-sample steps.
        assertEquals(0 + 0.5 * (1 * (0.2 - 0) + h * (0.9 - 0)), small[0][0], 1e-6);
        assertEquals(1 + 0.5 * (h * (0.2 - 1) + 1 * (0.9 - 1)), small[1][0], 1e-6);
        // lr * mass = 1.61 > 1: capped at the h-weighted mean of the inputs.
        float[][] capped = step(1.0);
        assertEquals((0.2 + h * 0.9) / mass, capped[0][0], 1e-6);
        assertEquals((h * 0.2 + 0.9) / mass, capped[1][0], 1e-6);
    }

    private static float[][] step(double lr) {
        try (NDManager manager = NDManager.newBaseManager();
             CompetitiveSom som = new CompetitiveSom(NeighbourhoodMask.gridFor(2), 1, 1.0, lr, 0, manager)) {
            som.setPrototypes(new float[][] {{0f}, {1f}});
            NDArray x = manager.create(new float[] {0.2f, 0.9f}, new Shape(2, 1));
            NDArray winners = som.winners(x);
            assertArrayEquals(new long[] {0, 1}, winners.toLongArray());
            som.update(x, winners);
            return som.prototypes();
        }
    }

    @Test
    void infiniteSigmaMovesEveryUnitAlike() {
        try (NDManager manager = NDManager.newBaseManager();
             CompetitiveSom som = new CompetitiveSom(NeighbourhoodMask.gridFor(2), 1, Double.POSITIVE_INFINITY, 1.0,
                     0, manager)) {
            som.setPrototypes(new float[][] {{0f}, {1f}});
            NDArray x = manager.create(new float[] {0.4f}, new Shape(1, 1));
            som.update(x, som.winners(x));
            // lr 1, one input, h = 1 everywhere: both units jump onto the input.
            assertEquals(0.4f, som.prototypes()[0][0], 1e-6f);
            assertEquals(0.4f, som.prototypes()[1][0], 1e-6f);
        }
    }

    @Test
    void initialisesFromInputRowsOnce() {
        try (NDManager manager = NDManager.newBaseManager();
             CompetitiveSom som = new CompetitiveSom(NeighbourhoodMask.gridFor(4), 2, 1.0, 0.1, 7, manager)) {
            NDArray x = manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(3, 2));
            som.initializeFrom(x);
            for (float[] p : som.prototypes()) {
                assertEquals(p[0] + 1, p[1]);
                assertEquals(1, (int) p[0] % 2);
            }
            float[][] before = som.prototypes();
            som.initializeFrom(manager.zeros(new Shape(3, 2)));
            assertArrayEquals(before[0], som.prototypes()[0]);
        }
    }
}
