package io.vitsom.model.map;

import ai.djl.ndarray.NDArray;
import io.vitsom.model.train.AdamW;
import java.util.Map;

/**
 * A {@link MapTrainer} whose whole optimizer state is one {@link AdamW}. What a checkpoint keeps of such a trainer is
 * that optimizer's moments and update count, and closing it frees that optimizer, so these are written once here
 * rather than again in each trainer (Gen-SOM-Attn, URL-SOM).
 */
public interface AdamWMapTrainer extends MapTrainer {
    /** The optimizer (its moments, weight decays and step count). */
    AdamW optimizer();

    @Override
    default Map<String, NDArray> optimizerMoments() {
        return optimizer().moments();
    }

    @Override
    default long optimizerStepCount() {
        return optimizer().stepCount();
    }

    @Override
    default void setOptimizerStepCount(long steps) {
        optimizer().setStepCount(steps);
    }

    /** Frees the optimizer's native memory (the model's parameters belong to its manager). */
    @Override
    default void close() {
        optimizer().close();
    }
}
