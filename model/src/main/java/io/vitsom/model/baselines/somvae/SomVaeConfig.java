package io.vitsom.model.baselines.somvae;

import java.util.List;
import java.util.Objects;

/**
 * Hyperparameters of the SOM-VAE baseline, validated at construction; invalid values fail with an
 * {@link IllegalArgumentException} naming the field.
 *
 * <p>{@link #defaults()} are the reference's values (ratschlab/SOM-VAE, {@code som_vae/somvae_train.py}
 * {@code ex_config} and {@code som_vae/somvae_model.py}): latent dim 64, SOM 8x8, alpha (commitment) 1.0,
 * beta (SOM) 0.9, Adam (TensorFlow defaults: betas 0.9/0.999) with learning rate 5e-4 decayed by 0.9 every
 * 1,000 global steps (staircase; {@code decay_steps} is the model's default), batch 32, 20 epochs. The
 * encoder is the reference's fully connected variant ({@code mnist=False}: Dense 256, 128, latent, all ReLU)
 * on flattened 28x28 images, so {@code [784, 256, 128, 64]}; the decoders mirror it with a sigmoid output.
 * The conv variant (two 4x4 convolutions with 256 channels) is not built here.
 *
 * <p>Schedule note: the reference's {@code global_step} advances twice per batch (its SOM-VAE step and its
 * transition-probability step both pass it to {@code minimize}), so there the rate decays every 500 batches.
 * This baseline has no transition step and counts one step per batch; {@code withLearningRate(5e-4, 0.9, 500)}
 * reproduces the reference's per-batch schedule.
 *
 * @param encoderDims widths of the encoder, input first and latent last; both decoders mirror them
 * @param somRows rows of the SOM grid
 * @param somCols columns of the SOM grid
 * @param alpha weight of the commitment loss
 * @param beta weight of the SOM loss
 * @param gradientCopying {@code true}: the z_q decoder reads {@code z_e + sg(z_q - z_e)} (the paper's gradient
 *                        copying, its gradient reaches the encoder); {@code false}: it reads {@code z_q} itself, as
 *                        the reference code does (its gradient reaches the embeddings instead)
 * @param learningRate initial Adam learning rate
 * @param decayFactor staircase decay factor of the learning rate
 * @param decaySteps optimizer steps between two decays
 * @param batchSize training batch size
 * @param epochs training epochs
 * @param beta1 Adam first-moment decay
 * @param beta2 Adam second-moment decay
 */
public record SomVaeConfig(List<Integer> encoderDims, int somRows, int somCols, double alpha, double beta,
                           boolean gradientCopying, double learningRate, double decayFactor, int decaySteps,
                           int batchSize, int epochs, double beta1, double beta2) {

    /** The reference's fully connected encoder widths for flattened 28x28 images. */
    public static final List<Integer> REFERENCE_ENCODER_DIMS = List.of(784, 256, 128, 64);

    public SomVaeConfig {
        Objects.requireNonNull(encoderDims, "SomVaeConfig.encoderDims must not be null");
        encoderDims = List.copyOf(encoderDims);
        if (encoderDims.size() < 2) {
            throw new IllegalArgumentException("SomVaeConfig.encoderDims needs an input and a latent width, got "
                    + encoderDims);
        }
        for (int i = 0; i < encoderDims.size(); i++) {
            if (encoderDims.get(i) <= 0) {
                throw new IllegalArgumentException("SomVaeConfig.encoderDims[" + i + "] must be positive, got "
                        + encoderDims);
            }
        }
        positive("somRows", somRows);
        positive("somCols", somCols);
        nonNegative("alpha", alpha);
        nonNegative("beta", beta);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("SomVaeConfig.learningRate must be finite and > 0, got " + learningRate);
        }
        if (!(decayFactor > 0 && decayFactor <= 1)) {
            throw new IllegalArgumentException("SomVaeConfig.decayFactor must be in (0, 1], got " + decayFactor);
        }
        positive("decaySteps", decaySteps);
        positive("batchSize", batchSize);
        positive("epochs", epochs);
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("SomVaeConfig.beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("SomVaeConfig.beta2 must be in [0, 1), got " + beta2);
        }
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("SomVaeConfig." + field + " must be positive, got " + value);
        }
    }

    private static void nonNegative(String field, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("SomVaeConfig." + field + " must be finite and >= 0, got " + value);
        }
    }

    /** The reference's values (see the class comment). */
    public static SomVaeConfig defaults() {
        return new SomVaeConfig(REFERENCE_ENCODER_DIMS, 8, 8, 1.0, 0.9, true, 5e-4, 0.9, 1000, 32, 20, 0.9, 0.999);
    }

    /** This config with another SOM grid (e.g. 40x40 to compare with ViT-SOM at equal map size). */
    public SomVaeConfig withMapSize(int rows, int cols) {
        return new SomVaeConfig(encoderDims, rows, cols, alpha, beta, gradientCopying, learningRate, decayFactor,
                decaySteps, batchSize, epochs, beta1, beta2);
    }

    /** This config with other encoder widths (input first, latent last). */
    public SomVaeConfig withEncoderDims(List<Integer> dims) {
        return new SomVaeConfig(dims, somRows, somCols, alpha, beta, gradientCopying, learningRate, decayFactor,
                decaySteps, batchSize, epochs, beta1, beta2);
    }

    /** This config with other loss weights: commitment {@code alpha}, SOM {@code beta}. */
    public SomVaeConfig withLossWeights(double commitment, double som) {
        return new SomVaeConfig(encoderDims, somRows, somCols, commitment, som, gradientCopying, learningRate,
                decayFactor, decaySteps, batchSize, epochs, beta1, beta2);
    }

    /** This config with or without the gradient copying (straight-through) trick. */
    public SomVaeConfig withGradientCopying(boolean enabled) {
        return new SomVaeConfig(encoderDims, somRows, somCols, alpha, beta, enabled, learningRate, decayFactor,
                decaySteps, batchSize, epochs, beta1, beta2);
    }

    /** This config with another learning-rate schedule. */
    public SomVaeConfig withLearningRate(double lr, double factor, int steps) {
        return new SomVaeConfig(encoderDims, somRows, somCols, alpha, beta, gradientCopying, lr, factor, steps,
                batchSize, epochs, beta1, beta2);
    }

    /** Width of the (flattened) input. */
    public int inputDim() {
        return encoderDims.get(0);
    }

    /** Width of z_e, z_q and the embeddings. */
    public int latentDim() {
        return encoderDims.get(encoderDims.size() - 1);
    }

    /** Number of SOM nodes (embeddings). */
    public int units() {
        return somRows * somCols;
    }

    /**
     * The reference's staircase decay {@code lr * decayFactor^floor(step / decaySteps)} at optimizer step
     * {@code step} (0 for the first).
     */
    public double learningRate(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        return learningRate * Math.pow(decayFactor, step / decaySteps);
    }
}
