package io.vitsom.model.train;

/**
 * What the training step needs to know about time: temperature, SOM-loss weight and learning rate at a
 * given global step. The reference's epoch schedule is {@link EpochSchedule}; streaming uses a horizon.
 */
public interface TrainingSchedule {
    /** SOM neighbourhood temperature at {@code step}. */
    double temperature(long step);

    /** Weight of the SOM loss at {@code step}. */
    double gamma(long step);

    /** Learning rate at {@code step}. */
    double learningRate(long step);
}
