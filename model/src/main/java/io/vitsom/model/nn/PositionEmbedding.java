package io.vitsom.model.nn;

/**
 * The MAE fixed 2-D sin-cos position embedding ({@code get_2d_sincos_pos_embed(D, G, cls_token=True)}).
 *
 * <p>Row 0 is the all-zero CLS row. For the patch in grid row {@code i}, column {@code j}
 * (token {@code 1 + i*G + j}), the first {@code D/2} values encode the column {@code j} and the last
 * {@code D/2} the row {@code i} (the reference's meshgrid puts w first). Each half is
 * {@code [sin(pos * w_0..w_{D/4-1}), cos(pos * w_0..w_{D/4-1})]} with {@code w_k = 10000^(-k / (D/4))}.
 * Computed in double and rounded to float, as numpy float64 then {@code .float()}.
 */
public final class PositionEmbedding {
    private PositionEmbedding() {
    }

    /**
     * The table as a flat {@code [1 + G*G, dim]} array.
     *
     * @param dim embedding width, a multiple of 4
     * @param gridSize patches per side {@code G}
     */
    public static float[] sinCos2d(int dim, int gridSize) {
        if (dim % 4 != 0) {
            throw new IllegalArgumentException("dim must be a multiple of 4, got " + dim);
        }
        int quarter = dim / 4;
        double[] omega = new double[quarter];
        for (int k = 0; k < quarter; k++) {
            omega[k] = 1.0 / Math.pow(10000, (double) k / quarter);
        }
        float[] table = new float[(1 + gridSize * gridSize) * dim];
        for (int i = 0; i < gridSize; i++) {
            for (int j = 0; j < gridSize; j++) {
                int base = (1 + i * gridSize + j) * dim;
                encode(j, omega, table, base);
                encode(i, omega, table, base + dim / 2);
            }
        }
        return table;
    }

    private static void encode(int pos, double[] omega, float[] out, int offset) {
        int quarter = omega.length;
        for (int k = 0; k < quarter; k++) {
            out[offset + k] = (float) Math.sin(pos * omega[k]);
            out[offset + quarter + k] = (float) Math.cos(pos * omega[k]);
        }
    }
}
