package io.vitsom.model.urlsom;

import io.vitsom.model.data.augment.ColorJitter;
import io.vitsom.model.data.augment.FloatImage;
import io.vitsom.model.data.augment.ImageOp;
import io.vitsom.model.data.augment.RandomApply;
import io.vitsom.model.data.augment.RandomGrayscale;
import io.vitsom.model.data.augment.RandomHorizontalFlip;
import io.vitsom.model.data.augment.RandomSquareCrop;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Makes URL-SOM's two differently augmented views of every image in a batch. Each view is an independent draw of
 * {@link RandomSquareCrop} (resized back with bicubic resampling), {@link RandomHorizontalFlip},
 * {@link RandomApply}({@link ColorJitter}, colorJitterP) and {@link RandomGrayscale}, in that order.
 *
 * <p>All randomness comes from one generator seeded at construction, so a fresh instance with the same seed
 * replays the same views for the same sequence of calls. Not thread-safe: one instance per thread.
 */
public final class UrlSomViews {
    private final ViewAugment spec;
    private final int channels;
    private final int size;
    private final List<ImageOp> steps;
    private final SplittableRandom rng;

    /**
     * @param spec the augmentation
     * @param channels channels per image, at least 1
     * @param size image side in pixels, at least {@code spec.cropMin()}
     * @param seed seed of the generator behind every random choice
     */
    public UrlSomViews(ViewAugment spec, int channels, int size, long seed) {
        this.spec = Objects.requireNonNull(spec, "spec");
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        }
        if (size < spec.cropMin()) {
            throw new IllegalArgumentException("size must be >= cropMin (" + spec.cropMin() + "), got " + size);
        }
        this.channels = channels;
        this.size = size;
        this.steps = List.of(
                new RandomSquareCrop(spec.cropMin(), spec.cropMax()),
                new RandomHorizontalFlip(spec.horizontalFlip()),
                new RandomApply(
                        new ColorJitter(spec.brightness(), spec.contrast(), spec.saturation(), spec.hue()),
                        spec.colorJitterP()),
                new RandomGrayscale(spec.grayscaleP()));
        this.rng = new SplittableRandom(seed);
    }

    /** The augmentation this instance applies. */
    public ViewAugment spec() {
        return spec;
    }

    /**
     * Two independent augmentations of every image.
     *
     * @param images {@code count} images, {@code [count, C, S, S]} floats in [0, 1], CHW per image
     * @param count number of images
     * @return {@code {view1, view2}}, each {@code [count, C, S, S]} floats in [0, 1]; new arrays
     */
    public float[][] twoViews(float[] images, int count) {
        Objects.requireNonNull(images, "images");
        int per = channels * size * size;
        if (count < 0 || images.length != (long) count * per) {
            throw new IllegalArgumentException("images has " + images.length + " values, expected " + count
                    + " x " + channels + "x" + size + "x" + size);
        }
        float[] first = new float[images.length];
        float[] second = new float[images.length];
        float[] pixels = new float[per];
        for (int i = 0; i < count; i++) {
            System.arraycopy(images, i * per, pixels, 0, per);
            FloatImage image = new FloatImage(channels, size, size, pixels);
            System.arraycopy(view(image).data(), 0, first, i * per, per);
            System.arraycopy(view(image).data(), 0, second, i * per, per);
        }
        return new float[][] {first, second};
    }

    private FloatImage view(FloatImage image) {
        FloatImage out = image;
        for (ImageOp step : steps) {
            out = step.apply(out, rng);
        }
        return out;
    }
}
