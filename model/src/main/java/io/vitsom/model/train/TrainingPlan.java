package io.vitsom.model.train;

/**
 * The step budget of an epoch-based run, from which the reference derives its schedules.
 *
 * @param trainSize images per epoch
 * @param batchSize mini-batch size (the last batch of an epoch may be smaller)
 * @param epochs epochs to run
 */
public record TrainingPlan(int trainSize, int batchSize, int epochs) {
    public TrainingPlan {
        if (trainSize <= 0 || batchSize <= 0 || epochs <= 0) {
            throw new IllegalArgumentException("train size, batch size and epochs must be > 0, got "
                    + trainSize + ", " + batchSize + ", " + epochs);
        }
    }

    /** Optimiser steps per epoch: {@code ceil(trainSize / batch)} (no batch dropped). */
    public int stepsPerEpoch() {
        return (trainSize + batchSize - 1) / batchSize;
    }

    /** Total optimiser steps. */
    public long totalSteps() {
        return (long) stepsPerEpoch() * epochs;
    }

    /** The temperature schedule's horizon: {@code trainSize / batch * epochs} in real numbers, as the reference. */
    public double temperatureIterations() {
        return (double) trainSize / batchSize * epochs;
    }

    /** Where the gamma ramp ends: {@code totalSteps // 2} (Lightning's estimated_stepping_batches // 2). */
    public long gammaRampEnd() {
        return totalSteps() / 2;
    }
}
