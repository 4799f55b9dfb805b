package io.vitsom.model.data.augment;

import java.util.Objects;

/**
 * One image as floats in CHW order (planar: all of channel 0, then channel 1, ...), the layout of
 * {@link io.vitsom.model.data.ImageSet#image(int)}.
 *
 * <p>Before normalisation values are in [0, 1]; after {@link Normalize} they are unbounded. Operations never
 * modify an image's array in place: they return a new image. Like every record holding an array,
 * {@code equals} compares the array by identity.
 *
 * @param channels number of channels (1 or more)
 * @param height height in pixels
 * @param width width in pixels
 * @param data {@code channels * height * width} values
 */
public record FloatImage(int channels, int height, int width, float[] data) {
    public FloatImage {
        Objects.requireNonNull(data, "data");
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "image shape must be positive, got " + channels + "x" + height + "x" + width);
        }
        if (data.length != (long) channels * height * width) {
            throw new IllegalArgumentException("data has " + data.length + " values, expected "
                    + (long) channels * height * width + " for " + channels + "x" + height + "x" + width);
        }
    }

    /** Value of channel {@code c} at row {@code y}, column {@code x}. */
    public float at(int c, int y, int x) {
        return data[index(c, y, x)];
    }

    /** Position of channel {@code c}, row {@code y}, column {@code x} in {@link #data()}. */
    public int index(int c, int y, int x) {
        return (c * height + y) * width + x;
    }

    /** An image of the same shape holding a copy of this image's values. */
    public FloatImage copy() {
        return new FloatImage(channels, height, width, data.clone());
    }

    /** "CxHxW", for messages. */
    public String shape() {
        return channels + "x" + height + "x" + width;
    }
}
