package io.vitsom.model.data.augment;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** torchvision's {@code Normalize(mean, std)}: {@code (x - mean[c]) / std[c]} per channel. */
public final class Normalize implements ImageOp {
    /** CIFAR channel means used by the reference. */
    public static final double[] CIFAR_MEAN = {0.4914, 0.4822, 0.4465};
    /** CIFAR channel standard deviations used by the reference. */
    public static final double[] CIFAR_STD = {0.2023, 0.1994, 0.2010};

    private final double[] mean;
    private final double[] std;

    /**
     * @param mean per-channel means
     * @param std per-channel standard deviations, all positive, as many as {@code mean}
     */
    public Normalize(double[] mean, double[] std) {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(std, "std");
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException(
                    "mean and std must be non-empty and equally long, got " + mean.length + " and " + std.length);
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive, got " + Arrays.toString(std));
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** The reference's CIFAR normalisation. */
    public static Normalize cifar() {
        return new Normalize(CIFAR_MEAN, CIFAR_STD);
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator rng) {
        return apply(image);
    }

    /** The normalised image. */
    public FloatImage apply(FloatImage image) {
        if (image.channels() != mean.length) {
            throw new IllegalArgumentException("image " + image.shape() + " has " + image.channels()
                    + " channels, normalisation has " + mean.length);
        }
        int plane = image.height() * image.width();
        float[] src = image.data();
        float[] out = new float[src.length];
        for (int c = 0; c < image.channels(); c++) {
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                out[i] = (float) ((src[i] - mean[c]) / std[c]);
            }
        }
        return new FloatImage(image.channels(), image.height(), image.width(), out);
    }
}
