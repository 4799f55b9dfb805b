package io.vitsom.model.baselines.somvae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.vitsom.model.nn.Scalars;
import io.vitsom.model.train.AdamW;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * SOM-VAE's training step, as the reference's {@code SOMVAE.loss} and {@code train_step}:
 * <pre>
 * loss = MSE(x, x_hat_q) + MSE(x, x_hat_e) + alpha * mean((z_e - z_q)^2) + beta * mean((sg(z_e) - n)^2)
 * </pre>
 * where {@code n} runs over the BMU's embedding and its up/down/right/left grid neighbours (a zero vector for a
 * neighbour off the grid, as the reference's {@code z_q_neighbors}). The commitment term has no stop-gradient
 * (it pulls z_e and the BMU embedding together, as in the reference); the SOM term's {@code sg(z_e)} sends
 * gradient to the embeddings only. The reference's time-series terms ({@code loss_probabilities},
 * {@code loss_z_prob}) are left out: this is the static-image baseline.
 *
 * <p>Adam with TensorFlow's defaults (the project's {@link AdamW} with no decay, i.e. {@code torch.optim.Adam};
 * TF places epsilon slightly differently, {@code eps_hat = 1e-8}) and the staircase learning rate of
 * {@link SomVaeConfig#learningRate(long)}. Each step runs in its own {@link NDScope} and builds every scalar
 * autograd records as an owned array (see RECIPES: the scalar trap). Not thread-safe: one trainer per model.
 */
public final class SomVaeTrainer implements AutoCloseable {
    /** The BMU and its four grid neighbours: the stack the reference's SOM loss averages over. */
    static final int NEIGHBOURHOOD_SIZE = 5;

    private final SomVae model;
    private final SomVaeConfig config;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final AdamW optimizer;
    private long step;

    /**
     * @param model an initialised model
     * @param manager the manager that owns the model's parameters (optimizer state goes there too)
     */
    public SomVaeTrainer(SomVae model, NDManager manager) {
        this.model = Objects.requireNonNull(model, "model");
        this.config = model.config();
        this.manager = Objects.requireNonNull(manager, "manager");
        this.parameterStore = new ParameterStore(manager, false);
        Map<String, Double> noDecay = new LinkedHashMap<>();
        model.namedParameters().keySet().forEach(name -> noDecay.put(name, 0.0));
        this.optimizer = new AdamW(noDecay, model.namedParameters(), config.beta1(), config.beta2(), true, manager);
    }

    /**
     * One step: forward, BMUs, loss terms, backward, Adam.
     *
     * @param inputs {@code batch * inputDim} floats
     * @param batch number of inputs
     */
    public SomVaeStepResult step(float[] inputs, int batch) {
        return step(inputs, batch, () -> { });
    }

    /** {@link #step(float[], int)} with a hook between forward and backward (tests run a GC there). */
    SomVaeStepResult step(float[] inputs, int batch, Runnable beforeBackward) {
        Objects.requireNonNull(inputs, "inputs");
        if (batch <= 0 || inputs.length != (long) batch * config.inputDim()) {
            throw new IllegalArgumentException("expected " + batch + " inputs of " + config.inputDim() + " floats ("
                    + (long) batch * config.inputDim() + "), got " + inputs.length);
        }
        double lr = config.learningRate(step);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(inputs, new Shape(batch, config.inputDim()));
            double recQ;
            double recE;
            double commit;
            double som;
            double total;
            long[] bmus;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                SomVae.Outputs out = SomVae.Outputs.of(model.forward(parameterStore, new NDList(x), true));
                bmus = out.bmus().toLongArray();
                // Reconstructions: tf.losses.mean_squared_error, mean over batch and features.
                NDArray reconstructionQ = out.reconstructionQ().sub(x).square().mean();
                NDArray reconstructionE = out.reconstructionE().sub(x).square().mean();
                // Commitment: mean over batch and latent dims, gradient to both z_e and the BMU embedding.
                NDArray commitment = out.zE().sub(out.zQ()).square().mean();
                NDArray somLoss = somLoss(out.zE(), bmus);
                NDArray loss = reconstructionQ.add(reconstructionE)
                        .add(commitment.mul(Scalars.of(commitment, config.alpha())))
                        .add(somLoss.mul(Scalars.of(somLoss, config.beta())));
                recQ = reconstructionQ.getFloat();
                recE = reconstructionE.getFloat();
                commit = commitment.getFloat();
                som = somLoss.getFloat();
                total = loss.getFloat();
                beforeBackward.run();
                collector.backward(loss);
            }
            optimizer.step(lr);
            SomVaeStepResult result = new SomVaeStepResult(step, lr, recQ, recE, commit, som, total, bmus);
            step++;
            return result;
        }
    }

    /**
     * {@code sum_i [sum_{k in N(bmu_i)} ||sg(z_i) - e_k||^2 + missing_i * ||sg(z_i)||^2] / (B * 5 * D)}: the
     * reference's mean over the stacked [B, 5, D] differences, a zero vector standing in for each of the
     * {@code missing_i} neighbours off the grid. Only the embeddings receive gradient.
     */
    private NDArray somLoss(NDArray zE, long[] bmus) {
        SomVaeSomLayer layer = model.som();
        int b = bmus.length;
        NDArray z = zE.stopGradient();
        NDArray distances = layer.forward(parameterStore, new NDList(z), true).singletonOrThrow();
        NDArray mask = manager.create(layer.neighbourhoodMask(bmus), new Shape(b, layer.units()))
                .toDevice(z.getDevice(), false);
        NDArray missing = manager.create(layer.missingNeighbours(bmus), new Shape(b)).toDevice(z.getDevice(), false);
        NDArray sum = mask.mul(distances).sum().add(missing.mul(z.square().sum(new int[] {1})).sum());
        return sum.mul(Scalars.of(sum, 1.0 / ((double) b * NEIGHBOURHOOD_SIZE * config.latentDim())));
    }

    /** Optimizer steps taken so far; the next step uses this index for its learning rate. */
    public long stepCount() {
        return step;
    }

    /** Moves the learning-rate schedule to step {@code value} (resuming). */
    public void setStepCount(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + value);
        }
        this.step = value;
    }

    /** The Adam over all parameters. */
    public AdamW optimizer() {
        return optimizer;
    }

    public SomVae model() {
        return model;
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
