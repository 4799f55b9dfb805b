package io.vitsom.model.train;

import io.vitsom.model.map.OrganisationSchedule;
import io.vitsom.model.config.VitSomConfig;
import java.util.Objects;

/**
 * The reference's schedules over an open-ended stream: they run over a horizon of {@code horizonImages} images,
 * divided into {@code horizonEpochs} pseudo-epochs, and then hold at their final values (temperature at its last value, about
 * {@code Tmin}; gamma at its full value; the learning-rate factor at {@code min_lr}), so a map that keeps learning settles
 * instead of re-heating. With {@code horizonImages = epochs * trainSize} and {@code horizonEpochs = epochs} it
 * gives exactly {@link EpochSchedule}'s values at every step of that budget.
 *
 * @param config the model config (temperatures, gamma, learning rate, warm-up, batch size)
 * @param horizonImages images over which the schedules run
 * @param horizonEpochs pseudo-epochs in the horizon (the learning rate's warm-up and cosine count these)
 */
public record StreamingSchedule(VitSomConfig config, long horizonImages, int horizonEpochs)
        implements OrganisationSchedule {
    public StreamingSchedule {
        Objects.requireNonNull(config, "config");
        if (horizonEpochs <= 0) {
            throw new IllegalArgumentException("horizon epochs must be > 0, got " + horizonEpochs);
        }
        if (horizonImages < horizonEpochs) {
            throw new IllegalArgumentException("the horizon (" + horizonImages + " images) must hold at least one "
                    + "image per pseudo-epoch (" + horizonEpochs + ")");
        }
    }

    /** A horizon of {@code horizonImages} split into the config's {@code total_epochs} pseudo-epochs. */
    public static StreamingSchedule of(VitSomConfig config, long horizonImages) {
        return new StreamingSchedule(config, horizonImages, config.totalEpochs());
    }

    /**
     * A horizon of {@code horizonImages} with one pseudo-epoch per step: the learning rate's warm-up takes the config's
     * {@code warmup_epochs} in steps instead of a share of the horizon, and no pseudo-epoch is rounded up to a whole
     * step (which stretched the cosine of a short horizon far past the temperature's decay). The continual learner's
     * schedule.
     */
    public static StreamingSchedule perStep(VitSomConfig config, long horizonImages) {
        return new StreamingSchedule(config, horizonImages, (int) Math.max(1, horizonImages / config.batchSize()));
    }

    /** Optimiser steps per pseudo-epoch: {@code ceil(horizonImages / horizonEpochs / batch)}, as an epoch's. */
    public long stepsPerEpoch() {
        long imagesPerEpoch = horizonImages / horizonEpochs;
        return Math.max(1, (imagesPerEpoch + config.batchSize() - 1) / config.batchSize());
    }

    @Override
    public double maxTemperature() {
        return config.som().tMax();
    }

    @Override
    public double peakLearningRate() {
        return Schedules.baseLearningRate(config.optimizer().lr(), config.batchSize());
    }

    @Override
    public long horizonSteps() {
        return stepsPerEpoch() * horizonEpochs;
    }

    @Override
    public double temperature(long step) {
        // Held at the horizon's last step instead of decaying towards zero as the reference's formula would.
        return Schedules.temperature(config.som().tMax(), config.som().tMin(), Math.min(step, horizonSteps() - 1),
                (double) horizonImages / config.batchSize());
    }

    @Override
    public double gamma(long step) {
        return Schedules.gamma(config.gamma(), step, horizonSteps() / 2);
    }

    @Override
    public double learningRate(long step) {
        int epoch = (int) Math.min(step / stepsPerEpoch(), horizonEpochs);
        VitSomConfig.Optimizer opt = config.optimizer();
        return Schedules.baseLearningRate(opt.lr(), config.batchSize())
                * Schedules.lrFactor(epoch, opt.warmupEpochs(), horizonEpochs, opt.minLr());
    }
}
