package io.vitsom.model.data.augment;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomResizedCrop(size = input size, scale, ratio, interpolation=BICUBIC)}: picks a
 * window covering a random share of the area with a log-uniform aspect ratio (10 attempts, then a centre
 * crop clipped to the ratio range), and resizes it back to the input size with PIL-style bicubic
 * interpolation, clamped to [0, 1].
 */
public final class RandomResizedCrop implements ImageOp {
    private static final int ATTEMPTS = 10;

    private final double scaleMin;
    private final double scaleMax;
    private final double logRatioMin;
    private final double logRatioMax;
    private final double ratioMin;
    private final double ratioMax;

    /**
     * @param scaleMin smallest share of the image area, in (0, scaleMax]
     * @param scaleMax largest share of the image area, at most 1
     * @param ratioMin smallest width/height ratio, positive
     * @param ratioMax largest width/height ratio, at least {@code ratioMin}
     */
    public RandomResizedCrop(double scaleMin, double scaleMax, double ratioMin, double ratioMax) {
        if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1)) {
            throw new IllegalArgumentException(
                    "scale must satisfy 0 < scaleMin <= scaleMax <= 1, got (" + scaleMin + ", " + scaleMax + ")");
        }
        if (!(ratioMin > 0 && ratioMin <= ratioMax)) {
            throw new IllegalArgumentException(
                    "ratio must satisfy 0 < ratioMin <= ratioMax, got (" + ratioMin + ", " + ratioMax + ")");
        }
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.ratioMin = ratioMin;
        this.ratioMax = ratioMax;
        this.logRatioMin = Math.log(ratioMin);
        this.logRatioMax = Math.log(ratioMax);
    }

    /** The reference's crop: scale (0.08, 1), ratio (3/4, 4/3). */
    public static RandomResizedCrop reference() {
        return new RandomResizedCrop(0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }

    /** A crop window: top-left corner and size. */
    record Window(int top, int left, int height, int width) {}

    /** torchvision's {@code RandomResizedCrop.get_params}, with Python's round-half-to-even. */
    Window sampleWindow(int height, int width, RandomGenerator rng) {
        double area = (double) height * width;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * uniform(rng, scaleMin, scaleMax);
            double aspect = Math.exp(uniform(rng, logRatioMin, logRatioMax));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new Window(top, left, h, w);
            }
        }
        // Fallback: the whole image, narrowed to the nearest allowed aspect ratio, centred.
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < ratioMin) {
            w = width;
            h = (int) Math.rint(w / ratioMin);
        } else if (inRatio > ratioMax) {
            h = height;
            w = (int) Math.rint(h * ratioMax);
        } else {
            w = width;
            h = height;
        }
        return new Window((height - h) / 2, (width - w) / 2, h, w);
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator rng) {
        Window win = sampleWindow(image.height(), image.width(), rng);
        FloatImage cropped = Resampling.crop(image, win.top(), win.left(), win.height(), win.width());
        return Resampling.resizeBicubic(cropped, image.height(), image.width());
    }

    static double uniform(RandomGenerator rng, double min, double max) {
        return min + (max - min) * rng.nextDouble();
    }
}
