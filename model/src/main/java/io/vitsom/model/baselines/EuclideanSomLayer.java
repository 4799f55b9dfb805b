package io.vitsom.model.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.vitsom.model.nn.Initializers;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import java.util.Map;

/**
 * DESOM's SOM layer ({@code SOM.SOMLayer}): prototypes {@code [units, dim]} on a rectangular map and the
 * squared euclidean distance of every code to every prototype. Forward: {@code z [B, dim] -> d [B, units]},
 * {@code d[i, k] = sum_j (z[i, j] - m[k, j])^2}; the BMU is the argmin.
 *
 * <p>Prototypes start Glorot-uniform as in the reference ({@code add_weight(initializer='glorot_uniform')}).
 * {@link #neighbourhoodWeights} gives the reference's Gaussian weights {@code exp(-d_map^2 / T^2)} with the
 * Manhattan map distance; they depend only on the BMUs and T, never on gradients.
 */
public final class EuclideanSomLayer extends AbstractBlock {
    private final SomGrid grid;
    private final int dim;
    private final Parameter prototypes;

    public EuclideanSomLayer(int rows, int cols, int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("EuclideanSomLayer dim must be positive, got " + dim);
        }
        this.grid = new SomGrid(rows, cols, Topology.SQUARE);
        this.dim = dim;
        this.prototypes = addParameter(Parameter.builder().setName("prototypes").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(grid.units(), dim))
                .optInitializer(Initializers.xavierUniform())
                .build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray z = inputs.singletonOrThrow();
        NDArray m = ps.getValue(prototypes, z.getDevice(), training);
        // [B, 1, dim] - [1, units, dim] -> squared differences summed over dim -> [B, units], as the reference.
        return new NDList(z.expandDims(1).sub(m.expandDims(0)).square().sum(new int[] {2}));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), grid.units())};
    }

    /** Manhattan distance on the map between units {@code a} and {@code b}: row and column differences. */
    public int mapDistance(int a, int b) {
        return Math.abs(grid.row(a) - grid.row(b)) + Math.abs(grid.col(a) - grid.col(b));
    }

    /**
     * The reference's neighbourhood weights {@code w[i, k] = exp(-d_map(bmu_i, k)^2 / T^2)} as a flat
     * {@code [bmus.length, units]} array (computed in double and rounded to float, as numpy then Keras do).
     *
     * <p>Note: the reference's {@code DESOM.map_dist} takes the row difference as {@code |bmu - k| // cols},
     * which differs from the true row difference for some pairs (e.g. units 3 and 4 of a 4-wide map: 0
     * instead of 1); this class uses the true Manhattan grid distance that the reference documents.
     */
    public float[] neighbourhoodWeights(long[] bmus, double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        int units = grid.units();
        float[] weights = new float[bmus.length * units];
        double t2 = temperature * temperature;
        for (int i = 0; i < bmus.length; i++) {
            int bmu = Math.toIntExact(bmus[i]);
            for (int k = 0; k < units; k++) {
                double d = mapDistance(bmu, k);
                weights[i * units + k] = (float) Math.exp(-(d * d) / t2);
            }
        }
        return weights;
    }

    /** The map geometry (square topology). */
    public SomGrid grid() {
        return grid;
    }

    /** Width of the codes. */
    public int inputDim() {
        return dim;
    }

    /** The prototype parameter {@code [units, dim]}. */
    public Parameter prototypes() {
        return prototypes;
    }

    void collectParameters(String prefix, Map<String, Parameter> out) {
        out.put(prefix + ".prototypes", prototypes);
    }
}
