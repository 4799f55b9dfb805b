package io.vitsom.model.data.augment;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomGrayscale(p)}: with probability {@code p} a 3-channel image becomes its ITU-R 601-2
 * luma ({@code 0.299 R + 0.587 G + 0.114 B}) replicated to all three channels. Images with another channel count
 * are copied unchanged (a 1-channel image is already gray). One draw per image whatever the channel count.
 */
public final class RandomGrayscale implements ImageOp {
    /** ITU-R 601-2 luma weights, PIL's {@code convert("L")}. */
    private static final double LUMA_R = 0.299;
    private static final double LUMA_G = 0.587;
    private static final double LUMA_B = 0.114;

    private final double probability;

    /** @param probability chance of converting, in [0, 1] */
    public RandomGrayscale(double probability) {
        AugmentConfig.requireProbability("probability", probability);
        this.probability = probability;
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator rng) {
        if (!(rng.nextDouble() < probability)) {
            return image.copy();
        }
        return grayscale(image);
    }

    /** The luma of a 3-channel image in every channel; other images copied. */
    static FloatImage grayscale(FloatImage image) {
        if (image.channels() != 3) {
            return image.copy();
        }
        int plane = image.height() * image.width();
        float[] src = image.data();
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            float gray = (float) (LUMA_R * src[i] + LUMA_G * src[plane + i] + LUMA_B * src[2 * plane + i]);
            out[i] = gray;
            out[plane + i] = gray;
            out[2 * plane + i] = gray;
        }
        return new FloatImage(3, image.height(), image.width(), out);
    }
}
