package io.vitsom.model.data.augment;

import java.util.random.RandomGenerator;

/**
 * One image transformation. Implementations are immutable and thread-safe; all randomness comes from the
 * {@code rng} argument, so the same generator state gives the same output. Deterministic operations
 * ignore {@code rng}.
 */
@FunctionalInterface
public interface ImageOp {
    /**
     * Transforms {@code image} into a new image; the input is never modified.
     *
     * @param image the input image
     * @param rng the source of every random choice this operation makes
     * @return a new image (possibly of another size, for resizing operations)
     */
    FloatImage apply(FloatImage image, RandomGenerator rng);
}
