package io.vitsom.model.gensom;

import io.vitsom.model.map.OrganisationSchedule;
import java.util.Objects;

/**
 * Gen-SOM-Attn's schedules in the project's {@link io.vitsom.model.train.TrainingSchedule} names: the temperature
 * is the Kohonen neighbourhood radius {@code sigma(t)}, gamma the Kohonen learning rate {@code eta(t)} (both
 * {@link CompetitiveSchedule} over {@code horizonSteps}, then held), the learning rate Adam's constant one.
 *
 * @param config the model config
 * @param horizonSteps steps over which eta and sigma decay (offline: the whole run; streaming: the horizon), > 0
 */
public record GenSomSchedule(GenSomConfig config, long horizonSteps) implements OrganisationSchedule {
    public GenSomSchedule {
        Objects.requireNonNull(config, "config");
        if (horizonSteps <= 0) {
            throw new IllegalArgumentException("horizon steps must be > 0, got " + horizonSteps);
        }
    }

    /** The offline schedule: {@code total_epochs} epochs of {@code stepsPerEpoch} steps. */
    public static GenSomSchedule epochs(GenSomConfig config, long stepsPerEpoch) {
        if (stepsPerEpoch <= 0) {
            throw new IllegalArgumentException("steps per epoch must be > 0, got " + stepsPerEpoch);
        }
        return new GenSomSchedule(config, stepsPerEpoch * config.totalEpochs());
    }

    /** The schedule of an open-ended stream: decay over {@code horizonImages / batch_size} steps (at least 1). */
    public static GenSomSchedule streaming(GenSomConfig config, long horizonImages) {
        return new GenSomSchedule(config, Math.max(1, horizonImages / config.batchSize()));
    }

    /** The Kohonen schedules this one reads. */
    public CompetitiveSchedule competitive() {
        return CompetitiveSchedule.of(config, horizonSteps);
    }

    /** The neighbourhood radius {@code sigma(step)}. */
    @Override
    public double temperature(long step) {
        return competitive().sigma(step);
    }

    /** The Kohonen learning rate {@code eta(step)}. */
    @Override
    public double gamma(long step) {
        return competitive().eta(step);
    }

    @Override
    public double learningRate(long step) {
        return config.optimizer().learningRate();
    }

    @Override
    public double maxTemperature() {
        return config.som().sigmaStart();
    }

    @Override
    public double peakLearningRate() {
        return config.optimizer().learningRate();
    }
}
