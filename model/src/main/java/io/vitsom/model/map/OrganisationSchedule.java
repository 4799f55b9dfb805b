package io.vitsom.model.map;

import io.vitsom.model.train.TrainingSchedule;

/**
 * A model's schedules over the organisation horizon of a stream, and the values the continual learner bounds its
 * maintenance floors and plasticity boosts by: the temperature a fresh map starts at and the learning rate's peak.
 * A model without a neighbourhood temperature (URL-SOM) answers 0 for both temperatures.
 */
public interface OrganisationSchedule extends TrainingSchedule {
    /** Steps in the organisation horizon; the schedules hold from here on. */
    long horizonSteps();

    /** The neighbourhood temperature of a fresh map (the cap of a plasticity boost). */
    double maxTemperature();

    /** The learning rate's peak (the cap of a plasticity boost, the base of the maintenance floor). */
    double peakLearningRate();
}
