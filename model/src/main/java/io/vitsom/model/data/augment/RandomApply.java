package io.vitsom.model.data.augment;

import java.util.Objects;
import java.util.random.RandomGenerator;

/** torchvision's {@code RandomApply([op], p)}: applies {@code op} with probability {@code p}, else copies. */
public final class RandomApply implements ImageOp {
    private final ImageOp op;
    private final double probability;

    /**
     * @param op the operation to apply
     * @param probability chance of applying it, in [0, 1]
     */
    public RandomApply(ImageOp op, double probability) {
        this.op = Objects.requireNonNull(op, "op");
        AugmentConfig.requireProbability("probability", probability);
        this.probability = probability;
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator rng) {
        // One draw per image, apply when it falls below p (torchvision: p < torch.rand(1) skips).
        if (!(rng.nextDouble() < probability)) {
            return image.copy();
        }
        return op.apply(image, rng);
    }
}
