package io.vitsom.model.data.augment;

import java.util.Arrays;
import java.util.Objects;

/**
 * Settings of the classification augmentation; {@link #cifar(int)} gives the reference's values. Invalid
 * values fail in the constructor with a message naming the field.
 *
 * @param imageSize side of the square images the transforms take and return
 * @param cropScaleMin smallest area share of {@link RandomResizedCrop}, in (0, cropScaleMax]
 * @param cropScaleMax largest area share of {@link RandomResizedCrop}, at most 1
 * @param cropRatioMin smallest width/height ratio of {@link RandomResizedCrop}, positive
 * @param cropRatioMax largest width/height ratio of {@link RandomResizedCrop}, at least cropRatioMin
 * @param randAugmentOps operations per image of {@link RandAugment}, non-negative (0 disables it)
 * @param randAugmentMagnitude magnitude bin of {@link RandAugment}, in [0, randAugmentBins)
 * @param randAugmentBins number of magnitude bins of {@link RandAugment}, positive
 * @param flipProbability chance of a horizontal flip, in [0, 1]
 * @param erasingProbability chance of {@link RandomErasing}, in [0, 1]
 * @param erasingAreaMin smallest erased area share, in (0, erasingAreaMax]
 * @param erasingAreaMax largest erased area share, at most 1
 * @param erasingAspectMin smallest erased-box aspect ratio, in (0, 1]; the largest is its inverse
 * @param mean per-channel normalisation means
 * @param std per-channel normalisation standard deviations, positive, as many as {@code mean}
 * @param evalCropFraction eval resizes to {@code floor(imageSize / evalCropFraction)} then centre-crops, in (0, 1]
 */
public record AugmentConfig(
        int imageSize,
        double cropScaleMin,
        double cropScaleMax,
        double cropRatioMin,
        double cropRatioMax,
        int randAugmentOps,
        int randAugmentMagnitude,
        int randAugmentBins,
        double flipProbability,
        double erasingProbability,
        double erasingAreaMin,
        double erasingAreaMax,
        double erasingAspectMin,
        double[] mean,
        double[] std,
        double evalCropFraction) {

    public AugmentConfig {
        if (imageSize <= 0) {
            throw new IllegalArgumentException("imageSize must be positive, got " + imageSize);
        }
        if (!(cropScaleMin > 0 && cropScaleMin <= cropScaleMax && cropScaleMax <= 1)) {
            throw new IllegalArgumentException("cropScaleMin/cropScaleMax must satisfy 0 < min <= max <= 1, got ("
                    + cropScaleMin + ", " + cropScaleMax + ")");
        }
        if (!(cropRatioMin > 0 && cropRatioMin <= cropRatioMax && Double.isFinite(cropRatioMax))) {
            throw new IllegalArgumentException("cropRatioMin/cropRatioMax must satisfy 0 < min <= max, got ("
                    + cropRatioMin + ", " + cropRatioMax + ")");
        }
        if (randAugmentOps < 0) {
            throw new IllegalArgumentException("randAugmentOps must be non-negative, got " + randAugmentOps);
        }
        if (randAugmentBins <= 0) {
            throw new IllegalArgumentException("randAugmentBins must be positive, got " + randAugmentBins);
        }
        if (randAugmentMagnitude < 0 || randAugmentMagnitude >= randAugmentBins) {
            throw new IllegalArgumentException("randAugmentMagnitude must be in [0, " + randAugmentBins + "), got "
                    + randAugmentMagnitude);
        }
        requireProbability("flipProbability", flipProbability);
        requireProbability("erasingProbability", erasingProbability);
        if (!(erasingAreaMin > 0 && erasingAreaMin <= erasingAreaMax && erasingAreaMax <= 1)) {
            throw new IllegalArgumentException("erasingAreaMin/erasingAreaMax must satisfy 0 < min <= max <= 1, got ("
                    + erasingAreaMin + ", " + erasingAreaMax + ")");
        }
        if (!(erasingAspectMin > 0 && erasingAspectMin <= 1)) {
            throw new IllegalArgumentException("erasingAspectMin must be in (0, 1], got " + erasingAspectMin);
        }
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(std, "std");
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("mean and std must be non-empty and equally long, got "
                    + mean.length + " and " + std.length);
        }
        if (!Arrays.stream(std).allMatch(s -> s > 0)) {
            throw new IllegalArgumentException("std must be positive, got " + Arrays.toString(std));
        }
        if (!(evalCropFraction > 0 && evalCropFraction <= 1)) {
            throw new IllegalArgumentException("evalCropFraction must be in (0, 1], got " + evalCropFraction);
        }
        // Copies keep the record immutable.
        mean = mean.clone();
        std = std.clone();
    }

    /** The reference's CIFAR classification augmentation for square images of side {@code imageSize}. */
    public static AugmentConfig cifar(int imageSize) {
        return new AugmentConfig(imageSize, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, 2, 9, 31, 0.5, 0.25, 0.02, 1.0 / 3.0,
                0.3, Normalize.CIFAR_MEAN, Normalize.CIFAR_STD, 0.875);
    }

    /** A copy of the per-channel means. */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /** A copy of the per-channel standard deviations. */
    @Override
    public double[] std() {
        return std.clone();
    }

    /** Number of channels the normalisation expects. */
    public int channels() {
        return mean.length;
    }

    /** This config with another flip probability. */
    public AugmentConfig withFlipProbability(double probability) {
        return new AugmentConfig(imageSize, cropScaleMin, cropScaleMax, cropRatioMin, cropRatioMax, randAugmentOps,
                randAugmentMagnitude, randAugmentBins, probability, erasingProbability, erasingAreaMin,
                erasingAreaMax, erasingAspectMin, mean, std, evalCropFraction);
    }

    /** This config with another erasing probability. */
    public AugmentConfig withErasingProbability(double probability) {
        return new AugmentConfig(imageSize, cropScaleMin, cropScaleMax, cropRatioMin, cropRatioMax, randAugmentOps,
                randAugmentMagnitude, randAugmentBins, flipProbability, probability, erasingAreaMin,
                erasingAreaMax, erasingAspectMin, mean, std, evalCropFraction);
    }

    /** Records with arrays compare them by content here, so equal settings are equal configs. */
    @Override
    public boolean equals(Object o) {
        return o instanceof AugmentConfig other
                && imageSize == other.imageSize
                && cropScaleMin == other.cropScaleMin
                && cropScaleMax == other.cropScaleMax
                && cropRatioMin == other.cropRatioMin
                && cropRatioMax == other.cropRatioMax
                && randAugmentOps == other.randAugmentOps
                && randAugmentMagnitude == other.randAugmentMagnitude
                && randAugmentBins == other.randAugmentBins
                && flipProbability == other.flipProbability
                && erasingProbability == other.erasingProbability
                && erasingAreaMin == other.erasingAreaMin
                && erasingAreaMax == other.erasingAreaMax
                && erasingAspectMin == other.erasingAspectMin
                && Arrays.equals(mean, other.mean)
                && Arrays.equals(std, other.std)
                && evalCropFraction == other.evalCropFraction;
    }

    @Override
    public int hashCode() {
        return Objects.hash(imageSize, cropScaleMin, cropScaleMax, cropRatioMin, cropRatioMax, randAugmentOps,
                randAugmentMagnitude, randAugmentBins, flipProbability, erasingProbability, erasingAreaMin,
                erasingAreaMax, erasingAspectMin, Arrays.hashCode(mean), Arrays.hashCode(std), evalCropFraction);
    }

    @Override
    public String toString() {
        return "AugmentConfig[imageSize=" + imageSize + ", cropScale=(" + cropScaleMin + ", " + cropScaleMax
                + "), cropRatio=(" + cropRatioMin + ", " + cropRatioMax + "), randAugment=(" + randAugmentOps + ", "
                + randAugmentMagnitude + "/" + randAugmentBins + "), flipProbability=" + flipProbability
                + ", erasing=(p " + erasingProbability + ", area " + erasingAreaMin + "-" + erasingAreaMax
                + ", aspectMin " + erasingAspectMin + "), mean=" + Arrays.toString(mean) + ", std="
                + Arrays.toString(std) + ", evalCropFraction=" + evalCropFraction + "]";
    }

    static void requireProbability(String field, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(field + " must be in [0, 1], got " + p);
        }
    }
}
