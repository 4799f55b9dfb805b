package io.vitsom.model.data;

import java.util.Objects;

/**
 * One decoded image: unsigned 8-bit pixels in CHW order (planar: all of channel 0, then channel 1, ...).
 *
 * <p>Like every record holding an array, {@code equals} compares the array by identity.
 *
 * @param channels 1 (gray) or 3 (RGB)
 * @param height height in pixels
 * @param width width in pixels
 * @param chw {@code channels * height * width} unsigned bytes
 */
public record DecodedImage(int channels, int height, int width, byte[] chw) {
    public DecodedImage {
        Objects.requireNonNull(chw, "chw");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        }
        if (chw.length != (long) channels * height * width) {
            throw new IllegalArgumentException("chw has " + chw.length + " bytes, expected "
                    + (long) channels * height * width + " for " + channels + "x" + height + "x" + width);
        }
    }

    /** Unsigned value of channel {@code c} at row {@code y}, column {@code x}. */
    public int at(int c, int y, int x) {
        return chw[(c * height + y) * width + x] & 0xFF;
    }

    /** "CxHxW", for messages. */
    public String shape() {
        return channels + "x" + height + "x" + width;
    }
}
