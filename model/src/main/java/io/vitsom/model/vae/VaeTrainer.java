package io.vitsom.model.vae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.vitsom.model.config.AdamSection;
import io.vitsom.model.train.AdamW;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * The VAE training step: one training-mode forward pass with reparameterisation noise {@code eps ~ N(0, I)},
 * {@link VaeLoss} ({@code reconstruction + beta * KL}), backward and one Adam update at the config's constant
 * learning rate ({@link AdamW} with no weight decay).
 *
 * <p>The noise comes from a {@link Random} seeded with the trainer's seed, not from the engine's global RNG, so a run
 * with the same model seed, trainer seed and batches is reproducible whatever else draws from the engine. Every step
 * runs in its own {@link NDScope}; only the parameters and Adam's moments live across steps. Not thread-safe.
 */
public final class VaeTrainer implements AutoCloseable {
    private final VaeModel model;
    private final VaeConfig config;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final AdamW optimizer;
    private final Random noise;
    private long step;

    /**
     * @param model the model to train (its manager takes the optimizer state)
     * @param seed seeds the reparameterisation noise
     */
    public VaeTrainer(VaeModel model, long seed) {
        this.model = Objects.requireNonNull(model, "model");
        this.config = model.config();
        this.manager = model.manager();
        this.parameterStore = new ParameterStore(manager, false);
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        Map<String, Double> noDecay = new LinkedHashMap<>();
        for (var e : model.namedParameters().entrySet()) {
            if (e.getValue().requiresGradient()) {
                trainable.put(e.getKey(), e.getValue());
                noDecay.put(e.getKey(), 0.0);
            }
        }
        AdamSection opt = config.optimizer();
        this.optimizer = new AdamW(noDecay, trainable, opt.beta1(), opt.beta2(), true, manager);
        this.noise = new Random(seed);
    }

    /**
     * One optimisation step on {@code count} images ({@code [count, C, S, S]} floats in [0, 1]).
     *
     * @throws IllegalArgumentException when {@code images} does not hold {@code count > 0} images of the config's input
     */
    public VaeStepResult step(float[] images, int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("count must be > 0, got " + count);
        }
        model.requireImages(images, count);
        int latent = config.latentDim();
        float[] eps = new float[count * latent];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = (float) noise.nextGaussian();
        }
        VaeStepResult result;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(images, model.imageShape(count));
            NDArray e = manager.create(eps, new Shape(count, latent));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                VaeNet.Outputs out = VaeNet.Outputs.of(model.net().forward(parameterStore, new NDList(x, e), true));
                VaeLoss.Terms terms = VaeLoss.compute(out.logits(), x, out.mu(), out.logvar(), config.beta(),
                        config.reconstruction());
                result = new VaeStepResult(step, terms.total().getFloat(), terms.reconstruction().getFloat(),
                        terms.kl().getFloat());
                collector.backward(terms.total());
            }
            optimizer.step(config.optimizer().learningRate());
        }
        step++;
        return result;
    }

    /** Steps taken so far. */
    public long stepCount() {
        return step;
    }

    /** The model being trained. */
    public VaeModel model() {
        return model;
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
