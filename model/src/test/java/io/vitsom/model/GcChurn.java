package io.vitsom.model;

import java.util.Arrays;

/** For the tests that run a GC between forward and backward (the DJL scalar trap, see RECIPES.md). */
public final class GcChurn {
    private GcChurn() {
    }

    /** Collects garbage, then allocates and fills fresh garbage so that reuse of any freed buffer shows. */
    public static void collectGarbage() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        byte[][] churn = new byte[64][];
        for (int i = 0; i < churn.length; i++) {
            churn[i] = new byte[1 << 16];
            Arrays.fill(churn[i], (byte) 0x7f);
        }
        System.gc();
    }
}
