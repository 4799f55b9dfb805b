package io.vitsom.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.vitsom.model.config.Distance;
import io.vitsom.model.som.SomGrid;
import java.util.Map;

/**
 * The SOM layer: a trained prototype matrix {@code [units, dim]} and the distance of every input to
 * every prototype. Forward: {@code z [B, dim] -> distances [B, units]}; the BMU is the argmin.
 *
 * <p>Prototypes start uniform in [0, 1) and, for cosine configs, L2-normalised per row (reference init).
 * The neighbourhood weights that turn distances into the SOM loss are computed by
 * {@link #neighbourhoodWeights}: they depend only on BMU indices and the temperature, never on gradients.
 */
public final class SomLayer extends AbstractBlock {
    private final SomGrid grid;
    private final Distance distance;
    private final int dim;
    private final Parameter prototypes;
    /** Cosine only: the row-normalised prototypes while they are pinned for inference; null otherwise. */
    private volatile NDArray pinnedUnitPrototypes;

    public SomLayer(SomGrid grid, int dim, Distance distance) {
        this.grid = grid;
        this.distance = distance;
        this.dim = dim;
        this.prototypes = addParameter(Parameter.builder().setName("prototypes").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(grid.units(), dim))
                .optInitializer((manager, shape, dataType) -> {
                    NDArray uniform = manager.randomUniform(0f, 1f, shape, dataType);
                    if (distance != Distance.COSINE) {
                        return uniform;
                    }
                    NDArray normalised = uniform.normalize(2, 1, 1e-12);
                    uniform.close();
                    return normalised;
                })
                .build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray z = inputs.singletonOrThrow();
        if (z.getShape().dimension() > 2) {
            z = z.reshape(z.getShape().get(0), -1);
        }
        NDArray pinned = pinnedUnitPrototypes;
        if (!training && pinned != null && pinned.getDevice().equals(z.getDevice())) {
            return new NDList(cosineDistances(z, pinned));
        }
        NDArray w = ps.getValue(prototypes, z.getDevice(), training);
        return new NDList(distances(z, w));
    }

    /**
     * Normalises the cosine prototypes once and uses them for every inference forward until {@link #unpin}. Why:
     * normalising a {@code [units, dim]} matrix costs the same for a batch of 2 as for 256; at serving's small
     * batches (a 20 ms window at 100 images/s holds 2-3 images) it was a quarter of the time of an assignment.
     * Only for a model whose prototypes do not change while pinned: the caller (the map model) unpins before any
     * training or re-seeding. No effect for Euclidean or Manhattan distances, and never in training mode.
     */
    public synchronized void pin() {
        if (distance != Distance.COSINE || pinnedUnitPrototypes != null) {
            return;
        }
        NDArray w = prototypes.getArray();
        NDArray normalised = unitRows(w);
        // Owned by the model, not by a scope the caller may have open.
        NDScope.unregister(normalised);
        pinnedUnitPrototypes = normalised;
    }

    /** Drops the pinned prototypes: inference reads the parameter again. */
    public synchronized void unpin() {
        NDArray pinned = pinnedUnitPrototypes;
        pinnedUnitPrototypes = null;
        if (pinned != null) {
            pinned.close();
        }
    }

    /** Every row scaled to unit L2 norm, with F.normalize's eps of 1e-12. */
    private static NDArray unitRows(NDArray x) {
        return x.normalize(2, 1, 1e-12);
    }

    /** {@code 1 - <z/|z|, u>} for prototypes {@code u} already of unit norm. */
    private static NDArray cosineDistances(NDArray z, NDArray unitPrototypes) {
        return Scalars.of(z, 1).sub(unitRows(z).matMul(unitPrototypes.transpose()));
    }

    private NDArray distances(NDArray z, NDArray w) {
        return switch (distance) {
            case COSINE -> cosineDistances(z, unitRows(w));
            case EUCLIDEAN -> {
                // |z|^2 + |w|^2 - 2 z.w, clamped at a tiny floor so sqrt's gradient stays finite at 0.
                NDArray zz = z.square().sum(new int[] {1}, true);
                NDArray ww = w.square().sum(new int[] {1}, true).transpose();
                NDArray sq = zz.add(ww).sub(z.matMul(w.transpose()).mul(Scalars.of(z, 2)));
                yield sq.maximum(Scalars.of(z, 1e-12)).sqrt();
            }
            case MANHATTAN -> z.expandDims(1).sub(w.expandDims(0)).abs().sum(new int[] {2});
        };
    }

    /**
     * Gaussian neighbourhood weights {@code h[i, j] = exp(-|pos_j - pos_bmu(i)|^2 / (2 T^2))} as a flat
     * {@code [bmus.length, units]} array.
     */
    public float[] neighbourhoodWeights(long[] bmus, double temperature) {
        int units = grid.units();
        float[] weights = new float[bmus.length * units];
        // Float arithmetic like the reference's float32 tensors: -d^2 / (2 T^2) computed in float.
        float denominator = (float) (2 * temperature * temperature);
        for (int i = 0; i < bmus.length; i++) {
            int bmu = (int) bmus[i];
            for (int j = 0; j < units; j++) {
                weights[i * units + j] = (float) Math.exp(-grid.squaredDistance(bmu, j) / denominator);
            }
        }
        return weights;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), grid.units())};
    }

    /** The map geometry. */
    public SomGrid grid() {
        return grid;
    }

    /** The distance function. */
    public Distance distance() {
        return distance;
    }

    /** Width of the SOM input. */
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
