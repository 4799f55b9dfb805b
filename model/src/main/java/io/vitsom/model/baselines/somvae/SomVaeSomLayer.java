package io.vitsom.model.baselines.somvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;

/**
 * SOM-VAE's embeddings: one vector of width {@code dim} per node of a {@code rows x cols} grid, stored flat as
 * {@code [units, dim]} with node {@code k} at row {@code k / cols}, column {@code k % cols} (the reference's
 * {@code k_1 = k // som_dim[1]}, {@code k_2 = k % som_dim[1]}). Forward: {@code z [B, dim] -> d [B, units]},
 * {@code d[i, k] = ||z_i - e_k||^2} (the reference's {@code z_dist_flat}); the BMU is the argmin.
 *
 * <p>Initialised as the reference: {@code truncated_normal(stddev=0.05)} (values beyond two standard deviations
 * redrawn). The grid helpers give the constants of one step: {@link #oneHot} selects the BMU
 * ({@code z_q = oneHot . E}), {@link #neighbourhoodMask} marks the BMU and its up/down/right/left grid
 * neighbours, {@link #missingNeighbours} counts those that fall off the grid (the reference puts a zero vector
 * there).
 */
public final class SomVaeSomLayer extends AbstractBlock {
    /** Embedding standard deviation of the reference's initializer. */
    public static final float INIT_STDDEV = 0.05f;

    private final int rows;
    private final int cols;
    private final int dim;
    private final Parameter embeddings;

    public SomVaeSomLayer(int rows, int cols, int dim) {
        if (rows <= 0 || cols <= 0 || dim <= 0) {
            throw new IllegalArgumentException("SomVaeSomLayer rows, cols and dim must be positive, got "
                    + rows + ", " + cols + ", " + dim);
        }
        this.rows = rows;
        this.cols = cols;
        this.dim = dim;
        this.embeddings = addParameter(Parameter.builder().setName("embeddings").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape((long) rows * cols, dim))
                .optInitializer(new TruncatedNormalInitializer(INIT_STDDEV))
                .build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray z = inputs.singletonOrThrow();
        NDArray e = ps.getValue(embeddings, z.getDevice(), training);
        // [B, 1, dim] - [1, units, dim] -> squared differences summed over dim -> [B, units].
        return new NDList(z.expandDims(1).sub(e.expandDims(0)).square().sum(new int[] {2}));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), units())};
    }

    /**
     * The grid neighbours of {@code unit} in the reference's order up ({@code row + 1}), down ({@code row - 1}),
     * right ({@code col + 1}), left ({@code col - 1}); -1 where the neighbour falls off the grid.
     */
    public int[] neighbours(int unit) {
        if (unit < 0 || unit >= units()) {
            throw new IllegalArgumentException("unit must be in [0, " + units() + "), got " + unit);
        }
        int r = unit / cols;
        int c = unit % cols;
        return new int[] {
            r < rows - 1 ? unit + cols : -1,
            r > 0 ? unit - cols : -1,
            c < cols - 1 ? unit + 1 : -1,
            c > 0 ? unit - 1 : -1};
    }

    /** {@code [bmus.length, units]} with 1 at each row's BMU, 0 elsewhere. */
    public float[] oneHot(long[] bmus) {
        int units = units();
        float[] out = new float[bmus.length * units];
        for (int i = 0; i < bmus.length; i++) {
            out[i * units + checkedUnit(bmus[i])] = 1f;
        }
        return out;
    }

    /** {@code [bmus.length, units]} with 1 at each row's BMU and at its existing grid neighbours, 0 elsewhere. */
    public float[] neighbourhoodMask(long[] bmus) {
        int units = units();
        float[] out = new float[bmus.length * units];
        for (int i = 0; i < bmus.length; i++) {
            int bmu = checkedUnit(bmus[i]);
            out[i * units + bmu] = 1f;
            for (int n : neighbours(bmu)) {
                if (n >= 0) {
                    out[i * units + n] = 1f;
                }
            }
        }
        return out;
    }

    /** {@code [bmus.length]}: how many of each BMU's four neighbours fall off the grid. */
    public float[] missingNeighbours(long[] bmus) {
        float[] out = new float[bmus.length];
        for (int i = 0; i < bmus.length; i++) {
            for (int n : neighbours(checkedUnit(bmus[i]))) {
                if (n < 0) {
                    out[i]++;
                }
            }
        }
        return out;
    }

    private int checkedUnit(long unit) {
        if (unit < 0 || unit >= units()) {
            throw new IllegalArgumentException("BMU must be in [0, " + units() + "), got " + unit);
        }
        return (int) unit;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Number of nodes. */
    public int units() {
        return rows * cols;
    }

    /** Width of the embeddings. */
    public int inputDim() {
        return dim;
    }

    /** The embedding parameter {@code [units, dim]}. */
    public Parameter embeddings() {
        return embeddings;
    }
}
