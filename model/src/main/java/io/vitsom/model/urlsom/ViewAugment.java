package io.vitsom.model.urlsom;

/**
 * The random augmentation that makes URL-SOM's two views of an image (paper section V.A): a uniform random
 * square crop resized back to the image size, a horizontal flip, colour jitter applied with a probability, and a
 * random grayscale conversion. {@link UrlSomViews} applies it.
 *
 * @param cropMin smallest crop side in pixels, at least 1
 * @param cropMax largest crop side in pixels, at least {@code cropMin} (clipped to the image size when applied)
 * @param horizontalFlip chance of a left/right flip, in [0, 1]
 * @param brightness colour-jitter brightness strength: factor uniform in {@code [max(0, 1 - b), 1 + b]}, >= 0
 * @param contrast colour-jitter contrast strength, >= 0
 * @param saturation colour-jitter saturation strength, >= 0
 * @param hue colour-jitter hue strength: shift uniform in {@code [-hue, hue]}, in [0, 0.5]
 * @param colorJitterP chance of applying the colour jitter, in [0, 1]
 * @param grayscaleP chance of converting to grayscale, in [0, 1]
 */
public record ViewAugment(
        int cropMin,
        int cropMax,
        double horizontalFlip,
        double brightness,
        double contrast,
        double saturation,
        double hue,
        double colorJitterP,
        double grayscaleP) {
    public ViewAugment {
        if (cropMin < 1) {
            throw new IllegalArgumentException("cropMin must be >= 1, got " + cropMin);
        }
        if (cropMax < cropMin) {
            throw new IllegalArgumentException("cropMax must be >= cropMin (" + cropMin + "), got " + cropMax);
        }
        requireProbability("horizontalFlip", horizontalFlip);
        requireStrength("brightness", brightness);
        requireStrength("contrast", contrast);
        requireStrength("saturation", saturation);
        if (!(hue >= 0 && hue <= 0.5)) {
            throw new IllegalArgumentException("hue must be in [0, 0.5], got " + hue);
        }
        requireProbability("colorJitterP", colorJitterP);
        requireProbability("grayscaleP", grayscaleP);
    }

    /**
     * The paper's setting for 32x32 CIFAR10: crop sides 22 to 32, flip 50%, colour jitter (0.4, 0.4, 0.4, 0.4)
     * 80% of the time, grayscale 50% of the time. (For SVHN the paper drops the flip: {@link #withoutFlip()}.)
     */
    public static ViewAugment paper() {
        return new ViewAugment(22, 32, 0.5, 0.4, 0.4, 0.4, 0.4, 0.8, 0.5);
    }

    /** No augmentation for images of side {@code size}: both views equal the input. */
    public static ViewAugment identity(int size) {
        return new ViewAugment(size, size, 0, 0, 0, 0, 0, 0, 0);
    }

    /** This setting with the horizontal flip turned off. */
    public ViewAugment withoutFlip() {
        return new ViewAugment(cropMin, cropMax, 0, brightness, contrast, saturation, hue, colorJitterP, grayscaleP);
    }

    private static void requireProbability(String field, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(field + " must be in [0, 1], got " + p);
        }
    }

    private static void requireStrength(String field, double value) {
        if (!(value >= 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(field + " must be finite and >= 0, got " + value);
        }
    }
}
