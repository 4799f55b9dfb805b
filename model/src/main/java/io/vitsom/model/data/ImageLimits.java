package io.vitsom.model.data;

/**
 * How large an untrusted encoded image may be before it is decoded: bytes of the encoded form, and pixels that its
 * header claims. Checked by {@link ImageCodec} from the header, before any pixel buffer is allocated, so a tiny file
 * whose header claims 32767 x 32767 pixels is refused instead of costing a gigabyte of heap.
 *
 * <p>The defaults fit every config of the project many times over (the largest input is 3 x 32 x 32, and a resize is
 * allowed from up to 2048 x 2048) while bounding one decode to ~12 MiB of pixels, so a handful of hostile records
 * decoded at once cannot exhaust a service's heap.
 *
 * @param maxBytes largest encoded image accepted, in bytes
 * @param maxPixels largest {@code width * height} a header may claim
 */
public record ImageLimits(long maxBytes, long maxPixels) {
    /** 4 MiB. */
    public static final long DEFAULT_MAX_BYTES = 4L * 1024 * 1024;
    /** 4 megapixels (2048 x 2048). */
    public static final long DEFAULT_MAX_PIXELS = 2048L * 2048;
    /** The defaults: {@value #DEFAULT_MAX_BYTES} bytes, {@value #DEFAULT_MAX_PIXELS} pixels. */
    public static final ImageLimits DEFAULT = new ImageLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);

    public ImageLimits {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("max image bytes must be positive, got " + maxBytes);
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("max image pixels must be positive, got " + maxPixels);
        }
    }

    /** These limits with another byte limit. */
    public ImageLimits withMaxBytes(long newMaxBytes) {
        return new ImageLimits(newMaxBytes, maxPixels);
    }

    /** These limits with another pixel limit. */
    public ImageLimits withMaxPixels(long newMaxPixels) {
        return new ImageLimits(maxBytes, newMaxPixels);
    }
}
