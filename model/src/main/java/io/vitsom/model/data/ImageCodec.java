package io.vitsom.model.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The one place where images are decoded and encoded, so that training and the streaming services see exactly the
 * same pixels for the same bytes.
 *
 * <p>Decoding accepts PNG and JPEG. Grayscale images give 1 channel and keep their stored values; everything else
 * gives 3 channels of sRGB; alpha is dropped. Damaged input is an {@link ImageDecodeException}, never a partial
 * image: ImageIO silently decodes a PNG cut off after its last image data and a cut-off JPEG (filling the rest with
 * gray), so both cases are detected here.
 *
 * <p>Every decode is bounded by {@link ImageLimits}, checked from the header before any pixel buffer exists
 * ({@link #checkHeader}): images arrive from untrusted feeds, and a 74-byte PNG can claim a gigabyte of pixels.
 *
 * <p>PNGs in the usual 8-bit layouts are decoded and encoded by {@link PngCodec} (several times faster than
 * ImageIO); everything else goes through ImageIO.
 *
 * <p>All methods are thread-safe. Streams are memory-cached on purpose: ImageIO's default cache writes a temporary
 * file per image.
 */
public final class ImageCodec {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] PNG_IEND = {'I', 'E', 'N', 'D'};

    private ImageCodec() {
    }

    /**
     * Decodes a PNG or JPEG image within the {@link ImageLimits#DEFAULT default limits}.
     *
     * @param bytes the encoded image
     * @return 1 channel for grayscale images, 3 (RGB) otherwise
     * @throws ImageDecodeException with reason {@code empty}, {@code not-an-image}, {@code truncated},
     *     {@code corrupt} or {@code too-large-image}
     */
    public static DecodedImage decode(byte[] bytes) throws ImageDecodeException {
        return decode(bytes, ImageLimits.DEFAULT);
    }

    /**
     * Decodes a PNG or JPEG image from an untrusted source. The byte count and the pixel count the header claims are
     * checked against {@code limits} before any decoder runs, so no pixel buffer is ever sized from a hostile header.
     *
     * @param bytes the encoded image
     * @param limits the largest image accepted
     * @return 1 channel for grayscale images, 3 (RGB) otherwise
     * @throws ImageDecodeException with reason {@code empty}, {@code not-an-image}, {@code truncated},
     *     {@code corrupt} or {@code too-large-image}
     */
    public static DecodedImage decode(byte[] bytes, ImageLimits limits) throws ImageDecodeException {
        String format = checkHeader(bytes, limits);
        if (format.equals("png")) {
            DecodedImage direct = PngCodec.decode(bytes);
            if (direct != null) {
                return direct;
            }
        }
        return decodeWithImageIo(bytes, format, limits);
    }

    /**
     * The checks {@link #decode(byte[], ImageLimits)} makes before decoding, on their own: that the bytes are a
     * PNG or JPEG within {@code limits} by size and by the pixel count its header claims. Costs no allocation beyond
     * a few objects, so an entrance can refuse a hostile image before passing it on (HTTP ingest answers 413).
     *
     * @return the format, {@code png} or {@code jpeg}
     * @throws ImageDecodeException with reason {@code empty}, {@code not-an-image}, {@code truncated} (the header
     *     is cut off), {@code corrupt} (the header is malformed) or {@code too-large-image}
     */
    public static String checkHeader(byte[] bytes, ImageLimits limits) throws ImageDecodeException {
        Objects.requireNonNull(limits, "limits");
        if (bytes == null || bytes.length == 0) {
            throw new ImageDecodeException(ImageDecodeException.EMPTY, 0, "no image data (0 bytes)", null);
        }
        if (bytes.length > limits.maxBytes()) {
            throw new ImageDecodeException(ImageDecodeException.TOO_LARGE, 0, String.format(Locale.ROOT,
                    "image of %,d bytes, above the limit of %,d bytes", bytes.length, limits.maxBytes()), null);
        }
        String format = sniffFormat(bytes);
        if (format == null) {
            throw new ImageDecodeException(ImageDecodeException.NOT_AN_IMAGE, 0,
                    "not a PNG or JPEG image (" + bytes.length + " bytes starting with " + hexPrefix(bytes) + ")",
                    null);
        }
        ImageHeader.read(bytes, format).check(limits);
        return format;
    }

    /** The ImageIO path of {@link #decode}, for every file {@link PngCodec} leaves to it (and for tests). */
    static DecodedImage decodeWithImageIo(byte[] bytes, String format, ImageLimits limits)
            throws ImageDecodeException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO reader for " + format + " in this JVM");
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
        try {
            reader.setInput(in, true, true);
            // The reader's own idea of the size, from the header it parsed: a second line of defence should it read
            // a header differently from ImageHeader (it allocates the raster from these numbers).
            new ImageHeader(format, reader.getWidth(0), reader.getHeight(0)).check(limits);
            BufferedImage image = reader.read(0);
            checkComplete(format, bytes, warnings);
            return toDecoded(image);
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO readers throw IIOException for most damage but also runtime exceptions for some
            // malformed headers; either way the bytes are at fault, not the caller.
            long position = Math.min(position(in, e), bytes.length);
            boolean truncated = hasCause(e, EOFException.class) || position >= bytes.length;
            throw new ImageDecodeException(
                    truncated ? ImageDecodeException.TRUNCATED : ImageDecodeException.CORRUPT, position,
                    (truncated ? "truncated " : "corrupt ") + format.toUpperCase(Locale.ROOT) + " ("
                            + bytes.length + " bytes, decoder stopped at byte offset " + position + "): "
                            + e.getMessage(), e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Encodes pixels as a PNG (gray for 1 channel, RGB for 3); decoding the result gives the same pixels back.
     *
     * @param chw {@code channels * height * width} unsigned bytes, CHW order
     */
    public static byte[] encodePng(int channels, int height, int width, byte[] chw) {
        return PngCodec.encode(new DecodedImage(channels, height, width, chw));
    }

    /** Encodes a decoded image as PNG. */
    public static byte[] encodePng(DecodedImage image) {
        return encodePng(image.channels(), image.height(), image.width(), image.chw());
    }

    /**
     * One-channel version of {@code image} (returned as is when already gray), with the same integer luma formula as
     * PIL's {@code convert("L")}: {@code (19595 R + 38470 G + 7471 B + 2^15) >> 16}, so results match the Python
     * reference bit for bit.
     */
    public static DecodedImage toGray(DecodedImage image) {
        if (image.channels() == 1) {
            return image;
        }
        int plane = image.height() * image.width();
        byte[] src = image.chw();
        byte[] out = new byte[plane];
        for (int i = 0; i < plane; i++) {
            int r = src[i] & 0xFF;
            int g = src[plane + i] & 0xFF;
            int b = src[2 * plane + i] & 0xFF;
            out[i] = (byte) ((19595 * r + 38470 * g + 7471 * b + 0x8000) >> 16);
        }
        return new DecodedImage(1, image.height(), image.width(), out);
    }

    /** Three-channel version of {@code image} (returned as is when already RGB): gray is copied to R, G and B. */
    public static DecodedImage toRgb(DecodedImage image) {
        if (image.channels() == 3) {
            return image;
        }
        int plane = image.height() * image.width();
        byte[] out = new byte[3 * plane];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(image.chw(), 0, out, c * plane, plane);
        }
        return new DecodedImage(3, image.height(), image.width(), out);
    }

    /**
     * Bilinear resize with pixel-centre alignment (PyTorch's {@code align_corners=False}, no antialiasing),
     * rounded to the nearest integer. Returns {@code image} itself when the size does not change.
     */
    public static DecodedImage resize(DecodedImage image, int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + height + "x" + width);
        }
        if (height == image.height() && width == image.width()) {
            return image;
        }
        int[] y0 = new int[height];
        int[] y1 = new int[height];
        float[] fy = new float[height];
        sourceCoordinates(image.height(), height, y0, y1, fy);
        int[] x0 = new int[width];
        int[] x1 = new int[width];
        float[] fx = new float[width];
        sourceCoordinates(image.width(), width, x0, x1, fx);
        byte[] src = image.chw();
        byte[] out = new byte[image.channels() * height * width];
        int srcW = image.width();
        for (int c = 0; c < image.channels(); c++) {
            int srcBase = c * image.height() * srcW;
            int outBase = c * height * width;
            for (int y = 0; y < height; y++) {
                int row0 = srcBase + y0[y] * srcW;
                int row1 = srcBase + y1[y] * srcW;
                for (int x = 0; x < width; x++) {
                    float top = (src[row0 + x0[x]] & 0xFF) * (1 - fx[x]) + (src[row0 + x1[x]] & 0xFF) * fx[x];
                    float bottom = (src[row1 + x0[x]] & 0xFF) * (1 - fx[x]) + (src[row1 + x1[x]] & 0xFF) * fx[x];
                    out[outBase + y * width + x] = (byte) Math.round(top * (1 - fy[y]) + bottom * fy[y]);
                }
            }
        }
        return new DecodedImage(image.channels(), height, width, out);
    }

    /**
     * Converts [0, 1] floats (e.g. a model's reconstruction) to pixels: {@code round(v * 255)} clamped to
     * [0, 255]; NaN becomes 0 so a diverged model still renders.
     */
    public static DecodedImage fromFloats(int channels, int height, int width, float[] chw01) {
        if (chw01.length != (long) channels * height * width) {
            throw new IllegalArgumentException("got " + chw01.length + " floats, expected "
                    + (long) channels * height * width + " for " + channels + "x" + height + "x" + width);
        }
        byte[] out = new byte[chw01.length];
        for (int i = 0; i < chw01.length; i++) {
            float v = chw01[i] * 255f;
            out[i] = (byte) (Float.isNaN(v) ? 0 : Math.max(0, Math.min(255, Math.round(v))));
        }
        return new DecodedImage(channels, height, width, out);
    }

    private static void sourceCoordinates(int srcSize, int dstSize, int[] lo, int[] hi, float[] frac) {
        float scale = (float) srcSize / dstSize;
        for (int i = 0; i < dstSize; i++) {
            float s = Math.max(0f, (i + 0.5f) * scale - 0.5f);
            int l = Math.min((int) s, srcSize - 1);
            lo[i] = l;
            hi[i] = Math.min(l + 1, srcSize - 1);
            frac[i] = s - l;
        }
    }

    private static String sniffFormat(byte[] b) {
        if (startsWith(b, PNG_SIGNATURE)) {
            return "png";
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return "jpeg";
        }
        return null;
    }

    /** Rejects the partial images ImageIO returns without an exception. */
    private static void checkComplete(String format, byte[] bytes, List<String> warnings)
            throws ImageDecodeException {
        if (format.equals("png")) {
            // The reader stops after the last image data chunk, so a file cut inside or after it decodes fine;
            // a complete PNG always ends with an IEND chunk (type + CRC).
            if (lastIndexOf(bytes, PNG_IEND) < 0 || lastIndexOf(bytes, PNG_IEND) + 8 > bytes.length) {
                throw new ImageDecodeException(ImageDecodeException.TRUNCATED, bytes.length,
                        "truncated PNG (" + bytes.length + " bytes, no IEND chunk)", null);
            }
            return;
        }
        // libjpeg pads a cut-off JPEG with gray and only warns. Other libjpeg warnings (e.g. extraneous bytes
        // before a marker) are recoverable and accepted, as PIL accepts them.
        for (String warning : warnings) {
            String w = warning.toLowerCase(Locale.ROOT);
            if (w.contains("truncated") || w.contains("premature end")) {
                throw new ImageDecodeException(ImageDecodeException.TRUNCATED, bytes.length,
                        "truncated JPEG (" + bytes.length + " bytes): " + warning, null);
            }
        }
    }

    private static DecodedImage toDecoded(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        ColorSpace cs = cm.getColorSpace();
        if (!(cm instanceof IndexColorModel) && cm.getNumColorComponents() == 1
                && cs.getType() == ColorSpace.TYPE_GRAY) {
            // Read raw samples: getRGB would convert linear gray to sRGB and shift every value.
            int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            int max = (1 << cm.getComponentSize(0)) - 1;
            byte[] out = new byte[plane];
            for (int i = 0; i < plane; i++) {
                out[i] = (byte) (max == 255 ? samples[i] : Math.round(samples[i] * 255f / max));
            }
            return new DecodedImage(1, h, w, out);
        }
        byte[] out = new byte[3 * plane];
        if (cm instanceof ComponentColorModel && cs.isCS_sRGB() && cm.getComponentSize(0) == 8) {
            // Fast path for the usual JPEG/PNG layouts: bands are R, G, B whatever the memory order.
            int[] samples = null;
            for (int c = 0; c < 3; c++) {
                samples = raster.getSamples(0, 0, w, h, c, samples);
                for (int i = 0; i < plane; i++) {
                    out[c * plane + i] = (byte) samples[i];
                }
            }
        } else {
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < plane; i++) {
                out[i] = (byte) (argb[i] >> 16);
                out[plane + i] = (byte) (argb[i] >> 8);
                out[2 * plane + i] = (byte) argb[i];
            }
        }
        return new DecodedImage(3, h, w, out);
    }

    /** Where the decoder stopped; -1 (with the reason kept on {@code failure}) if even that is unknown. */
    private static long position(ImageInputStream in, Exception failure) {
        try {
            return in.getStreamPosition();
        } catch (IOException e) {
            failure.addSuppressed(e);
            return -1;
        }
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int lastIndexOf(byte[] b, byte[] needle) {
        outer:
        for (int i = b.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String hexPrefix(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            s.append(String.format("%02x", b[i] & 0xFF));
        }
        return s.toString();
    }
}
