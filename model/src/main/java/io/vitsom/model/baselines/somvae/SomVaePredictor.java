package io.vitsom.model.baselines.somvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.vitsom.model.nn.Autograd;
import io.vitsom.model.train.Losses;
import java.util.Arrays;
import java.util.Objects;

/**
 * SOM-VAE inference: each input's {@code z_e} and its BMU (the reference's {@code model.k}, the cluster used
 * for NMI and purity). Runs the encoder and the SOM layer only, with autograd off and a per-call
 * {@link NDScope}; results are copied to the heap.
 */
public final class SomVaePredictor {
    private final SomVae model;
    private final NDManager manager;
    private final ParameterStore parameterStore;

    /**
     * What {@link #predict} returns for {@code n} inputs.
     *
     * @param bmus BMU of each input, {@code [n]}; node {@code k} sits at row {@code k / cols}, column {@code k % cols}
     * @param bmuDistances squared euclidean distance of each z_e to its BMU's embedding, {@code [n]}
     * @param codes the z_e, row-major {@code [n, latentDim]}
     * @param latentDim width of a code
     */
    public record Assignments(long[] bmus, float[] bmuDistances, float[] codes, int latentDim) {
        /** The z_e of input {@code i}. */
        public float[] code(int i) {
            return Arrays.copyOfRange(codes, i * latentDim, (i + 1) * latentDim);
        }
    }

    /**
     * @param model an initialised (trained) model
     * @param manager the manager that owns the model's parameters
     */
    public SomVaePredictor(SomVae model, NDManager manager) {
        this.model = Objects.requireNonNull(model, "model");
        this.manager = Objects.requireNonNull(manager, "manager");
        this.parameterStore = new ParameterStore(manager, false);
    }

    /** z_e and BMUs of {@code batch} inputs given as {@code batch * inputDim} floats (images flattened). */
    public Assignments predict(float[] inputs, int batch) {
        SomVaeConfig config = model.config();
        Objects.requireNonNull(inputs, "inputs");
        if (batch <= 0 || inputs.length != (long) batch * config.inputDim()) {
            throw new IllegalArgumentException("expected " + batch + " inputs of " + config.inputDim() + " floats ("
                    + (long) batch * config.inputDim() + "), got " + inputs.length);
        }
        try (Autograd off = Autograd.off(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(inputs, new Shape(batch, config.inputDim()));
            // Encoder, distances to the embeddings, argmin.
            NDArray zE = model.encoder().forward(parameterStore, new NDList(x), false).singletonOrThrow();
            NDArray distances = model.som().forward(parameterStore, new NDList(zE), false).singletonOrThrow();
            long[] bmus = distances.argMin(1).toLongArray();
            float[] bmuDistances = Losses.gatherRows(distances, bmus);
            return new Assignments(bmus, bmuDistances, zE.toFloatArray(), config.latentDim());
        }
    }

    /** The BMU of each input only. */
    public long[] bmus(float[] inputs, int batch) {
        return predict(inputs, batch).bmus();
    }
}
