package io.vitsom.model.data.augment;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code ColorJitter(brightness, contrast, saturation, hue)}: the four adjustments in a random
 * order, each with a random factor; an adjustment whose strength is 0 is skipped and draws nothing.
 *
 * <ul>
 *   <li>brightness: factor uniform in {@code [max(0, 1 - b), 1 + b]}, multiplies every value;
 *   <li>contrast: factor uniform in {@code [max(0, 1 - c), 1 + c]}, blends with a flat image at the mean gray
 *       level (PIL's {@code ImageEnhance.Contrast});
 *   <li>saturation: factor uniform in {@code [max(0, 1 - s), 1 + s]}, blends with the grayscale image (PIL's
 *       {@code ImageEnhance.Color});
 *   <li>hue: shift uniform in {@code [-h, h]} (h at most 0.5) added to the HSV hue modulo 1, computed in floats
 *       as torchvision's tensor {@code adjust_hue} does (no 8-bit rounding).
 * </ul>
 *
 * <p>Saturation and hue only change 3-channel images; on other images they are no-ops (their factors are still
 * drawn, so the random stream does not depend on the channel count). Every result is clamped to [0, 1].
 *
 * <p>Draw order: the permutation of the four adjustments (Fisher-Yates, three draws), then the factors of the
 * enabled adjustments in the order brightness, contrast, saturation, hue.
 */
public final class ColorJitter implements ImageOp {
    private static final int BRIGHTNESS = 0;
    private static final int CONTRAST = 1;
    private static final int SATURATION = 2;
    private static final int HUE = 3;

    private final double brightness;
    private final double contrast;
    private final double saturation;
    private final double hue;

    /**
     * @param brightness brightness strength, at least 0
     * @param contrast contrast strength, at least 0
     * @param saturation saturation strength, at least 0
     * @param hue hue strength, in [0, 0.5]
     */
    public ColorJitter(double brightness, double contrast, double saturation, double hue) {
        requireStrength("brightness", brightness);
        requireStrength("contrast", contrast);
        requireStrength("saturation", saturation);
        if (!(hue >= 0 && hue <= 0.5)) {
            throw new IllegalArgumentException("hue must be in [0, 0.5], got " + hue);
        }
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
        this.hue = hue;
    }

    private static void requireStrength(String field, double value) {
        if (!(value >= 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(field + " must be finite and >= 0, got " + value);
        }
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator rng) {
        int[] order = {BRIGHTNESS, CONTRAST, SATURATION, HUE};
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        double brightnessFactor = factor(rng, brightness);
        double contrastFactor = factor(rng, contrast);
        double saturationFactor = factor(rng, saturation);
        double hueShift = hue > 0 ? -hue + 2 * hue * rng.nextDouble() : 0.0;
        FloatImage out = image;
        for (int step : order) {
            out = switch (step) {
                case BRIGHTNESS -> brightness > 0 ? PixelOps.brightness(out, brightnessFactor) : out;
                case CONTRAST -> contrast > 0 ? PixelOps.contrast(out, contrastFactor) : out;
                case SATURATION -> saturation > 0 ? PixelOps.saturation(out, saturationFactor) : out;
                case HUE -> hue > 0 ? adjustHue(out, hueShift) : out;
                default -> throw new IllegalStateException("unknown step " + step);
            };
        }
        return out == image ? image.copy() : out;
    }

    /** A factor uniform in {@code [max(0, 1 - strength), 1 + strength]}; 1 without a draw when strength is 0. */
    private static double factor(RandomGenerator rng, double strength) {
        if (strength == 0) {
            return 1.0;
        }
        double low = Math.max(0.0, 1.0 - strength);
        double high = 1.0 + strength;
        return low + (high - low) * rng.nextDouble();
    }

    /**
     * torchvision's tensor {@code adjust_hue}: RGB to HSV, hue plus {@code shift} modulo 1, back to RGB. A no-op
     * (copy) on images without exactly 3 channels.
     */
    static FloatImage adjustHue(FloatImage image, double shift) {
        if (image.channels() != 3) {
            return image.copy();
        }
        int plane = image.height() * image.width();
        float[] src = image.data();
        float[] out = new float[src.length];
        for (int i = 0; i < plane; i++) {
            double r = src[i];
            double g = src[plane + i];
            double b = src[2 * plane + i];
            double max = Math.max(r, Math.max(g, b));
            double min = Math.min(r, Math.min(g, b));
            double chroma = max - min;
            double h;
            double s;
            if (chroma == 0) {
                h = 0;
                s = 0;
            } else {
                s = chroma / max;
                double rc = (max - r) / chroma;
                double gc = (max - g) / chroma;
                double bc = (max - b) / chroma;
                if (max == r) {
                    h = bc - gc;
                } else if (max == g) {
                    h = 2.0 + rc - bc;
                } else {
                    h = 4.0 + gc - rc;
                }
                h = floorMod1(h / 6.0 + 1.0);
            }
            h = floorMod1(h + shift);
            double v = max;
            double sector = Math.floor(h * 6.0);
            double f = h * 6.0 - sector;
            int k = ((int) sector) % 6;
            double p = clamp(v * (1 - s));
            double q = clamp(v * (1 - s * f));
            double t = clamp(v * (1 - s * (1 - f)));
            double red;
            double green;
            double blue;
            switch (k) {
                case 0 -> { red = v; green = t; blue = p; }
                case 1 -> { red = q; green = v; blue = p; }
                case 2 -> { red = p; green = v; blue = t; }
                case 3 -> { red = p; green = q; blue = v; }
                case 4 -> { red = t; green = p; blue = v; }
                default -> { red = v; green = p; blue = q; }
            }
            out[i] = Resampling.clamp01(red);
            out[plane + i] = Resampling.clamp01(green);
            out[2 * plane + i] = Resampling.clamp01(blue);
        }
        return new FloatImage(3, image.height(), image.width(), out);
    }

    private static double floorMod1(double x) {
        return x - Math.floor(x);
    }

    private static double clamp(double x) {
        return Math.min(1.0, Math.max(0.0, x));
    }
}
