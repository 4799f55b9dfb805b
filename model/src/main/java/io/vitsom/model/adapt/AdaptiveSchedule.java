package io.vitsom.model.adapt;

import io.vitsom.model.map.OrganisationSchedule;
import io.vitsom.model.train.TrainingSchedule;
import java.util.Objects;

/**
 * The schedule of a map that never stops learning: the reference's schedules over the organisation horizon
 * ({@link StreamingSchedule}), held above the maintenance floors afterwards, and multiplied by the plasticity
 * controller's factors after a drift. A boost never takes the temperature above {@code Tmax} nor the learning rate
 * above its peak, so a re-heated map is never hotter than a fresh one.
 */
public final class AdaptiveSchedule implements TrainingSchedule {
    private final OrganisationSchedule base;
    private final PlasticityController plasticity;
    private final double temperatureFloor;
    private final double peakLearningRate;
    private final double learningRateFloor;
    private final double tMax;

    /**
     * @param base the organisation horizon's schedules
     * @param maintenance the floors
     * @param plasticity the drift answer (its factors are read at every step)
     */
    public AdaptiveSchedule(OrganisationSchedule base, AdaptationConfig.Maintenance maintenance,
                            PlasticityController plasticity) {
        this.base = Objects.requireNonNull(base, "base");
        this.plasticity = Objects.requireNonNull(plasticity, "plasticity");
        this.tMax = base.maxTemperature();
        this.temperatureFloor = Math.min(maintenance.temperatureFloor(), tMax);
        this.peakLearningRate = base.peakLearningRate();
        this.learningRateFloor = maintenance.learningRateFloor() * peakLearningRate;
    }

    @Override
    public double temperature(long step) {
        double t = Math.max(base.temperature(step), temperatureFloor);
        return Math.min(Math.max(tMax, t), t * plasticity.temperatureFactor());
    }

    @Override
    public double gamma(long step) {
        return base.gamma(step);
    }

    @Override
    public double learningRate(long step) {
        double lr = Math.max(base.learningRate(step), learningRateFloor);
        return Math.min(Math.max(peakLearningRate, lr), lr * plasticity.learningRateFactor());
    }

    /** The organisation horizon's schedules. */
    public OrganisationSchedule base() {
        return base;
    }

    /** The drift answer. */
    public PlasticityController plasticity() {
        return plasticity;
    }
}
