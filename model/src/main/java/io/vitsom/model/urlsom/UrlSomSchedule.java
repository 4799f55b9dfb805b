package io.vitsom.model.urlsom;

import io.vitsom.model.map.OrganisationSchedule;
import java.util.Objects;

/**
 * URL-SOM's schedules: the learning rate steps through {@code optimizer.warmup_lr} by epoch (the paper's "Adam with
 * initial warm-up") and then holds; the similarity weight is the config's constant {@code gamma}; there is no
 * neighbourhood temperature (the map's neighbourhood is the fixed kernel), so it is 0.
 *
 * @param config the model config
 * @param stepsPerEpoch optimiser steps per (pseudo-)epoch, > 0
 * @param horizonSteps steps of the whole schedule (offline: all epochs; streaming: the organisation horizon), > 0
 */
public record UrlSomSchedule(UrlSomConfig config, long stepsPerEpoch, long horizonSteps) implements OrganisationSchedule {
    public UrlSomSchedule {
        Objects.requireNonNull(config, "config");
        if (stepsPerEpoch <= 0) {
            throw new IllegalArgumentException("steps per epoch must be > 0, got " + stepsPerEpoch);
        }
        if (horizonSteps <= 0) {
            throw new IllegalArgumentException("horizon steps must be > 0, got " + horizonSteps);
        }
    }

    /** The offline schedule: {@code total_epochs} epochs of {@code stepsPerEpoch} steps. */
    public static UrlSomSchedule epochs(UrlSomConfig config, long stepsPerEpoch) {
        return new UrlSomSchedule(config, stepsPerEpoch, stepsPerEpoch * config.totalEpochs());
    }

    /**
     * The schedule of a run shortened to {@code config.totalEpochs()} epochs from the {@code referenceEpochs} the
     * config was written for (a budget run): the warm-up keeps its share of the run, as ViT-SOM's budget runs keep
     * theirs ({@code Budgets}), with at least one step per warm-up epoch. Without it a 2-epoch run would never leave
     * the seed's first warm-up rate (1e-4 for 5 epochs). A run of the full length gets {@link #epochs}.
     */
    public static UrlSomSchedule shortened(UrlSomConfig config, long stepsPerEpoch, int referenceEpochs) {
        int run = config.totalEpochs();
        if (run >= referenceEpochs) {
            return epochs(config, stepsPerEpoch);
        }
        long pseudo = Math.max(1, Math.round(stepsPerEpoch * (double) run / referenceEpochs));
        return new UrlSomSchedule(config, pseudo, stepsPerEpoch * run);
    }

    /**
     * The schedule of an open-ended stream: one pseudo-epoch per step, so the warm-up takes the last
     * {@code warmup_epochs} boundary in steps (10 at the paper's setting), over a horizon of
     * {@code horizonImages / batch_size} steps (at least 1).
     */
    public static UrlSomSchedule streaming(UrlSomConfig config, long horizonImages) {
        return new UrlSomSchedule(config, 1, Math.max(1, horizonImages / config.batchSize()));
    }

    /** The (pseudo-)epoch of {@code step}. */
    public long epoch(long step) {
        return Math.max(0, step) / stepsPerEpoch;
    }

    @Override
    public double temperature(long step) {
        return 0;
    }

    @Override
    public double gamma(long step) {
        return config.gamma();
    }

    @Override
    public double learningRate(long step) {
        return config.optimizer().learningRate(epoch(step));
    }

    @Override
    public double maxTemperature() {
        return 0;
    }

    @Override
    public double peakLearningRate() {
        return config.optimizer().peakLearningRate();
    }
}
