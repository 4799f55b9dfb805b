package io.vitsom.model.baselines;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.vitsom.model.nn.Scalars;
import io.vitsom.model.train.AdamW;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * DESOM's training steps, as the reference's {@code DESOM.pretrain} and {@code DESOM.fit}:
 * <ul>
 *   <li>{@link #pretrainStep}: the autoencoder alone on {@code MSE(x, x_hat)} with its own Adam (the reference
 *       compiles the autoencoder separately with a fresh {@code 'adam'});</li>
 *   <li>{@link #step}: the joint phase, {@code MSE + gamma * SOM} with
 *       {@code SOM = mean_i sum_k w(bmu_i, k) * ||z_i - m_k||^2}; BMUs come from this step's distances (the
 *       reference predicts them with the same weights just before {@code train_on_batch}) and the weights
 *       {@code w = exp(-d_map^2 / T^2)} are constants; T follows {@link DesomConfig#temperature}.</li>
 * </ul>
 *
 * <p>Both optimisers are Adam (the project's {@link AdamW} with no weight decay, i.e. {@code torch.optim.Adam};
 * Keras' Adam differs only in its epsilon, 1e-7 instead of 1e-8). Each step runs in its own {@link NDScope}
 * and builds every scalar autograd records as an owned array (see RECIPES: the scalar trap).
 * Not thread-safe: one trainer per model.
 */
public final class DesomTrainer implements AutoCloseable {
    private final Desom model;
    private final DesomConfig config;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final AdamW pretrainOptimizer;
    private final AdamW optimizer;
    private long iteration;

    /**
     * @param model an initialised model
     * @param manager the manager that owns the model's parameters (optimizer state goes there too)
     */
    public DesomTrainer(Desom model, NDManager manager) {
        this.model = Objects.requireNonNull(model, "model");
        this.config = model.config();
        this.manager = Objects.requireNonNull(manager, "manager");
        this.parameterStore = new ParameterStore(manager, false);
        this.pretrainOptimizer = adam(model.autoencoderParameters(), config, manager);
        this.optimizer = adam(model.namedParameters(), config, manager);
    }

    private static AdamW adam(Map<String, Parameter> parameters, DesomConfig config, NDManager manager) {
        Map<String, Double> noDecay = new LinkedHashMap<>();
        parameters.keySet().forEach(name -> noDecay.put(name, 0.0));
        return new AdamW(noDecay, parameters, config.beta1(), config.beta2(), true, manager);
    }

    /**
     * One pre-training step: autoencoder on the MSE reconstruction loss only; prototypes untouched.
     *
     * @param inputs {@code batch * inputDim} floats
     * @param batch number of inputs
     */
    public DesomStepResult pretrainStep(float[] inputs, int batch) {
        checkInputs(inputs, batch);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(inputs, new Shape(batch, config.inputDim()));
            double mse;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDList out = model.autoencoder().forward(parameterStore, new NDList(x), true);
                NDArray loss = out.get(1).sub(x).square().mean();
                mse = loss.getFloat();
                collector.backward(loss);
            }
            pretrainOptimizer.step(config.learningRate());
            return new DesomStepResult(-1, mse, Double.NaN, mse, Double.NaN, new long[0]);
        }
    }

    /**
     * One joint step at the current iteration: forward, BMUs, neighbourhood weights, loss, backward, Adam.
     *
     * @param inputs {@code batch * inputDim} floats
     * @param batch number of inputs
     */
    public DesomStepResult step(float[] inputs, int batch) {
        return step(inputs, batch, () -> { });
    }

    /** {@link #step(float[], int)} with a hook between forward and backward (tests run a GC there). */
    DesomStepResult step(float[] inputs, int batch, Runnable beforeBackward) {
        checkInputs(inputs, batch);
        double temperature = config.temperature(iteration);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(inputs, new Shape(batch, config.inputDim()));
            double recon;
            double som;
            double total;
            long[] bmus;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                Desom.Outputs out = Desom.Outputs.of(model.forward(parameterStore, new NDList(x), true));
                // Keras 'mse': mean over features, then over the batch.
                NDArray mse = out.reconstruction().sub(x).square().mean();
                // BMUs and neighbourhood weights are constants of this step.
                NDArray distances = out.distances();
                bmus = distances.argMin(1).toLongArray();
                NDArray weights = manager.create(model.som().neighbourhoodWeights(bmus, temperature),
                        distances.getShape());
                NDArray somLoss = weights.mul(distances).sum(new int[] {1}).mean();
                NDArray loss = mse.add(somLoss.mul(Scalars.of(somLoss, config.gamma())));
                recon = mse.getFloat();
                som = somLoss.getFloat();
                total = loss.getFloat();
                beforeBackward.run();
                collector.backward(loss);
            }
            optimizer.step(config.learningRate());
            DesomStepResult result = new DesomStepResult(iteration, recon, som, total, temperature, bmus);
            iteration++;
            return result;
        }
    }

    private void checkInputs(float[] inputs, int batch) {
        Objects.requireNonNull(inputs, "inputs");
        if (batch <= 0 || inputs.length != (long) batch * config.inputDim()) {
            throw new IllegalArgumentException("expected " + batch + " inputs of " + config.inputDim() + " floats ("
                    + (long) batch * config.inputDim() + "), got " + inputs.length);
        }
    }

    /** Joint iterations taken so far; the next step uses this index for its temperature. */
    public long iteration() {
        return iteration;
    }

    /** Moves the temperature schedule to joint iteration {@code value} (resuming). */
    public void setIteration(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("iteration must be >= 0, got " + value);
        }
        this.iteration = value;
    }

    /** The joint phase's Adam (all parameters). */
    public AdamW optimizer() {
        return optimizer;
    }

    /** The pre-training Adam (autoencoder parameters only). */
    public AdamW pretrainOptimizer() {
        return pretrainOptimizer;
    }

    public Desom model() {
        return model;
    }

    @Override
    public void close() {
        pretrainOptimizer.close();
        optimizer.close();
    }
}
