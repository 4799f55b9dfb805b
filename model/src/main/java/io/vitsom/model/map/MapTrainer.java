package io.vitsom.model.map;

import ai.djl.ndarray.NDArray;
import io.vitsom.model.train.StepResult;
import io.vitsom.model.train.TrainingSchedule;
import java.util.Map;

/**
 * Trains one {@link MapModel}: one optimisation step per batch with the model's own loss and optimizer, its
 * position in the schedule and the optimizer state a checkpoint keeps. Not thread-safe; close it to free the
 * optimizer's native memory.
 */
public interface MapTrainer extends AutoCloseable {
    /** The model this trainer updates. */
    MapModel map();

    /**
     * One optimisation step on {@code count} images ({@code [count, C, H, W]} floats in [0, 1]); the result carries
     * each image's BMU, distance and second-best unit as the model saw it in this step.
     */
    StepResult step(float[] images, int count);

    /** Steps taken so far; the next step uses this index for its schedules. */
    long stepCount();

    /** Moves the schedules to global step {@code steps}. */
    void setStepCount(long steps);

    /** The schedule the steps follow. */
    TrainingSchedule schedule();

    /** The optimizer's state by name (what a checkpoint's {@code optimizer/} holds). */
    Map<String, NDArray> optimizerMoments();

    /** Updates the optimizer has applied (its bias correction count). */
    long optimizerStepCount();

    /** Restores the optimizer's update count. */
    void setOptimizerStepCount(long steps);

    @Override
    void close();
}
