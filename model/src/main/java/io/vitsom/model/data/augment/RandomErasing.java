package io.vitsom.model.data.augment;

import java.util.random.RandomGenerator;

/**
 * timm's {@code RandomErasing(probability, mode='pixel', max_count=1)}: with probability {@code p}, one box
 * covering a random share of the area (aspect ratio log-uniform in [aspectMin, 1/aspectMin]) is filled with
 * independent standard-normal values per channel and pixel. Applied after normalisation, where N(0, 1) is
 * the typical value range. Up to 10 attempts to find a box strictly smaller than the image; none is erased
 * if all fail.
 */
public final class RandomErasing implements ImageOp {
    private static final int ATTEMPTS = 10;

    private final double probability;
    private final double areaMin;
    private final double areaMax;
    private final double logAspectMin;
    private final double logAspectMax;

    /**
     * @param probability chance of erasing, in [0, 1]
     * @param areaMin smallest share of the area, in (0, areaMax]
     * @param areaMax largest share of the area, at most 1
     * @param aspectMin smallest height/width ratio, in (0, 1]; the largest is {@code 1 / aspectMin}
     */
    public RandomErasing(double probability, double areaMin, double areaMax, double aspectMin) {
        AugmentConfig.requireProbability("probability", probability);
        if (!(areaMin > 0 && areaMin <= areaMax && areaMax <= 1)) {
            throw new IllegalArgumentException(
                    "area must satisfy 0 < areaMin <= areaMax <= 1, got (" + areaMin + ", " + areaMax + ")");
        }
        if (!(aspectMin > 0 && aspectMin <= 1)) {
            throw new IllegalArgumentException("aspectMin must be in (0, 1], got " + aspectMin);
        }
        this.probability = probability;
        this.areaMin = areaMin;
        this.areaMax = areaMax;
        this.logAspectMin = Math.log(aspectMin);
        this.logAspectMax = Math.log(1 / aspectMin);
    }

    /** The reference's erasing: p 0.25, area 0.02 to 1/3, aspect 0.3 to 1/0.3. */
    public static RandomErasing reference() {
        return new RandomErasing(0.25, 0.02, 1.0 / 3.0, 0.3);
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator rng) {
        FloatImage out = image.copy();
        // timm skips when random() > p; "not below" keeps p = 0 exact (never erases) and p = 1 always erases.
        if (!(rng.nextDouble() < probability)) {
            return out;
        }
        int imgH = image.height();
        int imgW = image.width();
        double area = (double) imgH * imgW;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = RandomResizedCrop.uniform(rng, areaMin, areaMax) * area;
            double aspect = Math.exp(RandomResizedCrop.uniform(rng, logAspectMin, logAspectMax));
            int h = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int w = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (w < imgW && h < imgH) {
                // timm: random.randint(0, img_h - h), both ends inclusive.
                int top = rng.nextInt(imgH - h + 1);
                int left = rng.nextInt(imgW - w + 1);
                float[] data = out.data();
                for (int c = 0; c < image.channels(); c++) {
                    for (int y = top; y < top + h; y++) {
                        for (int x = left; x < left + w; x++) {
                            data[out.index(c, y, x)] = (float) rng.nextGaussian();
                        }
                    }
                }
                break;
            }
        }
        return out;
    }
}
