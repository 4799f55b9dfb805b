package io.vitsom.model.baselines;

import java.util.List;
import java.util.Objects;

/**
 * Hyperparameters of the DESOM baseline, validated at construction; invalid values fail with an
 * {@link IllegalArgumentException} naming the field.
 *
 * <p>{@link #defaults()} are the reference's values (FlorentF9/DESOM {@code train.py} argument defaults and
 * {@code DESOM.py}): encoder {@code [784, 500, 500, 2000, 10]}, map 8x8, gamma 0.001, Tmax 10, Tmin 0.1 with
 * exponential decay over {@code som_iterations} = 10,000 of {@code iterations} = 10,000, batch 256, Adam with
 * Keras' defaults (lr 1e-3, betas 0.9/0.999). Pre-training: {@code DESOM.pretrain}'s default of 200 epochs
 * ({@code train.py} itself passes 0 unless {@code --pretrain_epochs} is given; the paper pre-trains).
 *
 * @param encoderDims widths of the encoder, input first and code last; the decoder mirrors them
 * @param mapRows rows of the rectangular map
 * @param mapCols columns of the rectangular map
 * @param gamma weight of the SOM loss in {@code MSE + gamma * SOM}
 * @param tMax initial neighbourhood temperature
 * @param tMin final neighbourhood temperature
 * @param iterations joint-training iterations (batches)
 * @param somIterations iterations over which the temperature decays; it stays at Tmin afterwards
 * @param pretrainEpochs autoencoder pre-training epochs (MSE only) before the joint phase; 0 skips it
 * @param batchSize training batch size
 * @param learningRate Adam learning rate (constant, as Keras' default Adam)
 * @param beta1 Adam first-moment decay
 * @param beta2 Adam second-moment decay
 */
public record DesomConfig(List<Integer> encoderDims, int mapRows, int mapCols, double gamma, double tMax, double tMin,
                          int iterations, int somIterations, int pretrainEpochs, int batchSize, double learningRate,
                          double beta1, double beta2) {

    /** The reference's encoder widths for 28x28 images: {@code [784, 500, 500, 2000, 10]}. */
    public static final List<Integer> REFERENCE_ENCODER_DIMS = List.of(784, 500, 500, 2000, 10);

    public DesomConfig {
        Objects.requireNonNull(encoderDims, "DesomConfig.encoderDims must not be null");
        encoderDims = List.copyOf(encoderDims);
        if (encoderDims.size() < 2) {
            throw new IllegalArgumentException("DesomConfig.encoderDims needs an input and a code width, got " + encoderDims);
        }
        for (int i = 0; i < encoderDims.size(); i++) {
            if (encoderDims.get(i) <= 0) {
                throw new IllegalArgumentException("DesomConfig.encoderDims[" + i + "] must be positive, got " + encoderDims);
            }
        }
        positive("mapRows", mapRows);
        positive("mapCols", mapCols);
        if (!(gamma >= 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("DesomConfig.gamma must be finite and >= 0, got " + gamma);
        }
        if (!(tMax > 0) || Double.isInfinite(tMax)) {
            throw new IllegalArgumentException("DesomConfig.tMax must be finite and > 0, got " + tMax);
        }
        if (!(tMin > 0) || tMin > tMax) {
            throw new IllegalArgumentException("DesomConfig.tMin must be > 0 and <= tMax (" + tMax + "), got " + tMin);
        }
        positive("iterations", iterations);
        if (somIterations < 2) {
            throw new IllegalArgumentException("DesomConfig.somIterations must be >= 2 (the decay divides by "
                    + "somIterations - 1), got " + somIterations);
        }
        if (pretrainEpochs < 0) {
            throw new IllegalArgumentException("DesomConfig.pretrainEpochs must be >= 0, got " + pretrainEpochs);
        }
        positive("batchSize", batchSize);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("DesomConfig.learningRate must be finite and > 0, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("DesomConfig.beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("DesomConfig.beta2 must be in [0, 1), got " + beta2);
        }
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("DesomConfig." + field + " must be positive, got " + value);
        }
    }

    /** The reference's values (see the class comment). */
    public static DesomConfig defaults() {
        return new DesomConfig(REFERENCE_ENCODER_DIMS, 8, 8, 0.001, 10.0, 0.1, 10_000, 10_000, 200, 256, 1e-3,
                0.9, 0.999);
    }

    /** This config with another map size (e.g. 40x40 to compare with ViT-SOM at equal map size). */
    public DesomConfig withMapSize(int rows, int cols) {
        return new DesomConfig(encoderDims, rows, cols, gamma, tMax, tMin, iterations, somIterations, pretrainEpochs,
                batchSize, learningRate, beta1, beta2);
    }

    /** This config with other encoder widths (input first, code last). */
    public DesomConfig withEncoderDims(List<Integer> dims) {
        return new DesomConfig(dims, mapRows, mapCols, gamma, tMax, tMin, iterations, somIterations, pretrainEpochs,
                batchSize, learningRate, beta1, beta2);
    }

    /** This config with another temperature schedule. */
    public DesomConfig withTemperature(double max, double min, int decayIterations) {
        return new DesomConfig(encoderDims, mapRows, mapCols, gamma, max, min, iterations, decayIterations,
                pretrainEpochs, batchSize, learningRate, beta1, beta2);
    }

    /** This config with another training length: joint iterations and pre-training epochs. */
    public DesomConfig withTraining(int jointIterations, int pretrainingEpochs) {
        return new DesomConfig(encoderDims, mapRows, mapCols, gamma, tMax, tMin, jointIterations, somIterations,
                pretrainingEpochs, batchSize, learningRate, beta1, beta2);
    }

    /** This config with another SOM-loss weight and Adam learning rate. */
    public DesomConfig withLoss(double somWeight, double lr) {
        return new DesomConfig(encoderDims, mapRows, mapCols, somWeight, tMax, tMin, iterations, somIterations,
                pretrainEpochs, batchSize, lr, beta1, beta2);
    }

    /** Width of the (flattened) input. */
    public int inputDim() {
        return encoderDims.get(0);
    }

    /** Width of the code the SOM organises. */
    public int latentDim() {
        return encoderDims.get(encoderDims.size() - 1);
    }

    /** Number of prototypes. */
    public int units() {
        return mapRows * mapCols;
    }

    /**
     * Pre-training batches for a training set of {@code datasetSize} samples: {@code pretrainEpochs} epochs of
     * {@code ceil(datasetSize / batchSize)} batches each (Keras' {@code fit} keeps the last partial batch).
     */
    public long pretrainSteps(int datasetSize) {
        if (datasetSize <= 0) {
            throw new IllegalArgumentException("datasetSize must be positive, got " + datasetSize);
        }
        return (long) pretrainEpochs * ((datasetSize + batchSize - 1) / batchSize);
    }

    /**
     * The reference's exponential decay {@code T = Tmax * (Tmin / Tmax)^(t / (somIterations - 1))} for
     * {@code t < somIterations}; later iterations keep the last value, Tmin (the reference stops updating T).
     */
    public double temperature(long iteration) {
        if (iteration < 0) {
            throw new IllegalArgumentException("iteration must be >= 0, got " + iteration);
        }
        long t = Math.min(iteration, somIterations - 1L);
        return tMax * Math.pow(tMin / tMax, (double) t / (somIterations - 1));
    }
}
