package io.vitsom.model.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.vitsom.model.nn.Autograd;
import io.vitsom.model.train.Losses;
import java.util.Objects;

/**
 * DESOM inference: the code of each input and its best-matching unit (the reference's {@code DESOM.encode}
 * and {@code DESOM.predict}). Runs the encoder and the SOM layer only, with autograd off and a per-call
 * {@link NDScope}; results are copied to the heap.
 */
public final class DesomPredictor {
    private final Desom model;
    private final NDManager manager;
    private final ParameterStore parameterStore;

    /**
     * What {@link #predict} returns for {@code n} inputs.
     *
     * @param bmus best-matching unit of each input, {@code [n]}
     * @param bmuDistances squared euclidean distance of each code to its BMU, {@code [n]}
     * @param codes the codes, row-major {@code [n, latentDim]}
     * @param latentDim width of a code
     */
    public record Assignments(long[] bmus, float[] bmuDistances, float[] codes, int latentDim) {
        /** The code of input {@code i}. */
        public float[] code(int i) {
            return java.util.Arrays.copyOfRange(codes, i * latentDim, (i + 1) * latentDim);
        }
    }

    /**
     * @param model an initialised (trained) model
     * @param manager the manager that owns the model's parameters
     */
    public DesomPredictor(Desom model, NDManager manager) {
        this.model = Objects.requireNonNull(model, "model");
        this.manager = Objects.requireNonNull(manager, "manager");
        this.parameterStore = new ParameterStore(manager, false);
    }

    /** Codes and BMUs of {@code batch} inputs given as {@code batch * inputDim} floats. */
    public Assignments predict(float[] inputs, int batch) {
        DesomConfig config = model.config();
        Objects.requireNonNull(inputs, "inputs");
        if (batch <= 0 || inputs.length != (long) batch * config.inputDim()) {
            throw new IllegalArgumentException("expected " + batch + " inputs of " + config.inputDim() + " floats ("
                    + (long) batch * config.inputDim() + "), got " + inputs.length);
        }
        try (Autograd off = Autograd.off(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(inputs, new Shape(batch, config.inputDim()));
            // Encoder only, then distances to the prototypes and their argmin.
            NDArray code = model.autoencoder().encoder().forward(parameterStore, new NDList(x), false).singletonOrThrow();
            NDArray distances = model.som().forward(parameterStore, new NDList(code), false).singletonOrThrow();
            NDArray bmuArray = distances.argMin(1);
            long[] bmus = bmuArray.toLongArray();
            float[] bmuDistances = Losses.gatherRows(distances, bmus);
            return new Assignments(bmus, bmuDistances, code.toFloatArray(), config.latentDim());
        }
    }

    /** The codes only, row-major {@code [batch, latentDim]}. */
    public float[] encode(float[] inputs, int batch) {
        return predict(inputs, batch).codes();
    }
}
