package io.vitsom.model.train;

import io.vitsom.model.config.VitSomConfig;

/**
 * The reference's schedules over an epoch-based budget: temperature decays per step over
 * {@link TrainingPlan#temperatureIterations()}, gamma ramps over the first half of the steps, and the
 * learning rate follows the per-epoch warm-up + cosine factor.
 */
public record EpochSchedule(VitSomConfig config, TrainingPlan plan) implements TrainingSchedule {
    @Override
    public double temperature(long step) {
        return Schedules.temperature(config.som().tMax(), config.som().tMin(), step, plan.temperatureIterations());
    }

    @Override
    public double gamma(long step) {
        return Schedules.gamma(config.gamma(), step, plan.gammaRampEnd());
    }

    @Override
    public double learningRate(long step) {
        int epoch = (int) (step / plan.stepsPerEpoch());
        VitSomConfig.Optimizer opt = config.optimizer();
        return Schedules.baseLearningRate(opt.lr(), config.batchSize())
                * Schedules.lrFactor(epoch, opt.warmupEpochs(), plan.epochs(), opt.minLr());
    }
}
