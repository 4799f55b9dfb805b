package io.vitsom.model.data.augment;

import java.util.random.RandomGenerator;

/** torchvision's {@code RandomHorizontalFlip(p)}: mirrors the columns with probability {@code p}. */
public final class RandomHorizontalFlip implements ImageOp {
    private final double probability;

    /** @param probability chance of flipping, in [0, 1] */
    public RandomHorizontalFlip(double probability) {
        AugmentConfig.requireProbability("probability", probability);
        this.probability = probability;
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator rng) {
        // One draw per image, flip when it falls below p (torchvision: torch.rand(1) < p).
        if (!(rng.nextDouble() < probability)) {
            return image.copy();
        }
        return flip(image);
    }

    /** The image with its columns in reverse order. */
    static FloatImage flip(FloatImage image) {
        int w = image.width();
        float[] src = image.data();
        float[] out = new float[src.length];
        for (int row = 0; row < image.channels() * image.height(); row++) {
            int base = row * w;
            for (int x = 0; x < w; x++) {
                out[base + x] = src[base + w - 1 - x];
            }
        }
        return new FloatImage(image.channels(), image.height(), w, out);
    }
}
