package io.vitsom.model.data;

import java.util.Locale;

/**
 * The size an encoded image claims in its header, read without decoding anything: the IHDR chunk of a PNG, the first
 * frame header (SOF) of a JPEG. {@link ImageCodec} checks it against {@link ImageLimits} before any decoder allocates
 * pixel buffers, because decoders size their buffers from exactly these fields.
 *
 * @param format {@code png} or {@code jpeg}
 * @param width width in pixels the header claims
 * @param height height in pixels the header claims
 */
record ImageHeader(String format, long width, long height) {
    private static final int PNG_IHDR = 0x49484452;

    /** {@code width * height}, saturated: two 32-bit PNG dimensions can overflow a long. */
    long pixels() {
        long high = Math.multiplyHigh(width, height);
        return high != 0 ? Long.MAX_VALUE : width * height < 0 ? Long.MAX_VALUE : width * height;
    }

    /**
     * Reads the header of an image whose format was already sniffed from its magic bytes.
     *
     * @throws ImageDecodeException {@code truncated} when the bytes end before the size fields, {@code corrupt} when
     *     the header is malformed or claims a zero size
     */
    static ImageHeader read(byte[] b, String format) throws ImageDecodeException {
        ImageHeader header = format.equals("png") ? png(b) : jpeg(b);
        if (header.width <= 0 || header.height <= 0) {
            throw new ImageDecodeException(ImageDecodeException.CORRUPT, 0, format.toUpperCase(Locale.ROOT)
                    + " header claims " + header.width + "x" + header.height + " pixels", null);
        }
        return header;
    }

    /** Refuses a header above {@code limits}. */
    void check(ImageLimits limits) throws ImageDecodeException {
        if (pixels() > limits.maxPixels()) {
            throw new ImageDecodeException(ImageDecodeException.TOO_LARGE, 0, String.format(Locale.ROOT,
                    "%s header claims %dx%d pixels (%,d), above the limit of %,d pixels",
                    format.toUpperCase(Locale.ROOT), width, height, pixels(), limits.maxPixels()), null);
        }
    }

    /** IHDR must be the first chunk (PNG specification 5.6): length 13, type, then width and height. */
    private static ImageHeader png(byte[] b) throws ImageDecodeException {
        if (b.length < 24) {
            throw new ImageDecodeException(ImageDecodeException.TRUNCATED, b.length,
                    "truncated PNG (" + b.length + " bytes, the IHDR chunk needs 24)", null);
        }
        if (u32(b, 8) != 13 || u32(b, 12) != PNG_IHDR) {
            throw new ImageDecodeException(ImageDecodeException.CORRUPT, 8,
                    "corrupt PNG: the first chunk is not a 13-byte IHDR", null);
        }
        return new ImageHeader("png", u32(b, 16), u32(b, 20));
    }

    /**
     * Walks the marker segments up to the first frame header. Bytes between segments are skipped as libjpeg does
     * (it only warns about them), so every JPEG that ImageIO accepts has its size checked here.
     */
    private static ImageHeader jpeg(byte[] b) throws ImageDecodeException {
        int pos = 2;
        while (true) {
            while (pos < b.length && (b[pos] & 0xFF) != 0xFF) {
                pos++;
            }
            while (pos < b.length && (b[pos] & 0xFF) == 0xFF) {
                pos++;
            }
            if (pos >= b.length) {
                throw new ImageDecodeException(ImageDecodeException.TRUNCATED, b.length,
                        "truncated JPEG (" + b.length + " bytes, no frame header)", null);
            }
            int marker = b[pos] & 0xFF;
            pos++;
            if (marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA) {
                throw new ImageDecodeException(ImageDecodeException.CORRUPT, pos - 2,
                        "corrupt JPEG: " + (marker == 0xD9 ? "end of image" : "scan data")
                                + " before any frame header", null);
            }
            if (pos + 2 > b.length) {
                throw new ImageDecodeException(ImageDecodeException.TRUNCATED, b.length,
                        "truncated JPEG (" + b.length + " bytes, cut inside a segment header)", null);
            }
            int length = (b[pos] & 0xFF) << 8 | (b[pos + 1] & 0xFF);
            if (length < 2) {
                throw new ImageDecodeException(ImageDecodeException.CORRUPT, pos,
                        "corrupt JPEG: segment length " + length + " at byte offset " + pos, null);
            }
            boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (frame) {
                // Frame header: length (2), precision (1), height (2), width (2), components (1).
                if (pos + 7 > b.length) {
                    throw new ImageDecodeException(ImageDecodeException.TRUNCATED, b.length,
                            "truncated JPEG (" + b.length + " bytes, cut inside the frame header)", null);
                }
                long height = (b[pos + 3] & 0xFF) << 8 | (b[pos + 4] & 0xFF);
                long width = (b[pos + 5] & 0xFF) << 8 | (b[pos + 6] & 0xFF);
                return new ImageHeader("jpeg", width, height);
            }
            pos += length;
        }
    }

    private static long u32(byte[] b, int at) {
        return ((long) (b[at] & 0xFF) << 24) | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }
}
