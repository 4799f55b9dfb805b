package io.vitsom.model.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A corpus of hostile and odd image values, each with the reason a strict 1 x 28 x 28 (MNIST) input check must give
 * it, for pushing through every entrance of the pipeline (validation on raw Kafka records, HTTP ingest, the watched
 * folder, {@code /v1/assign}, the learner). Built in memory from a fixed seed: nothing is read from disk.
 */
public final class HostileImages {
    /** The reason of an item that must be accepted (a valid image for the 1 x 28 x 28 input). */
    public static final String VALID = "valid";

    private HostileImages() {
    }

    /**
     * One item.
     *
     * @param name what it is, for messages and file names ({@code [a-z0-9-]})
     * @param bytes the encoded value
     * @param reason what a strict 1 x 28 x 28 check answers: a DLQ reason, or {@link #VALID}
     */
    public record Item(String name, byte[] bytes, String reason) {
        @Override
        public String toString() {
            return name + " (" + bytes.length + " bytes, expect " + reason + ")";
        }
    }

    /** Every hostile item, in a fixed order. */
    public static List<Item> corpus() {
        List<Item> items = new ArrayList<>();
        byte[] random = new byte[512];
        new Random(17).nextBytes(random);
        items.add(new Item("random-bytes", random, ImageDecodeException.NOT_AN_IMAGE));
        items.add(new Item("empty", new byte[0], ImageDecodeException.EMPTY));
        byte[] png = validPng(0);
        items.add(new Item("truncated-png", Arrays.copyOf(png, png.length / 2), ImageDecodeException.TRUNCATED));
        items.add(new Item("png-signature-only", Arrays.copyOf(png, 8), ImageDecodeException.TRUNCATED));
        byte[] jpeg = jpeg(gray(28, 28, 3));
        items.add(new Item("truncated-jpeg", Arrays.copyOf(jpeg, jpeg.length / 2), ImageDecodeException.TRUNCATED));
        items.add(new Item("png-header-32767x32767", pngHeaderOnly(32767, 32767), ImageDecodeException.TOO_LARGE));
        items.add(new Item("png-header-50000x50000", pngHeaderOnly(50000, 50000), ImageDecodeException.TOO_LARGE));
        items.add(new Item("jpeg-header-50000x50000", jpegClaiming(jpeg, 50000, 50000),
                ImageDecodeException.TOO_LARGE));
        items.add(new Item("png-header-zero-width", pngHeaderOnly(0, 28), ImageDecodeException.CORRUPT));
        items.add(new Item("rgb-png", ImageCodec.encodePng(3, 28, 28, pixels(3 * 28 * 28, 4)), "wrong-channels"));
        items.add(new Item("gray-png-16x16", ImageCodec.encodePng(1, 16, 16, pixels(16 * 16, 5)), "wrong-size"));
        items.add(new Item("palette-png", png(palette(28, 28)), "wrong-channels"));
        // JDK 17's JPEG reader converts four components to RGB.
        items.add(new Item("cmyk-jpeg", cmykJpeg(28, 28), "wrong-channels"));
        // Odd but valid: a 16-bit gray PNG (ImageIO path, scaled to 8 bits) and a gray JPEG of the right size.
        items.add(new Item("gray16-png", png(gray16(28, 28)), VALID));
        items.add(new Item("gray-jpeg", jpeg, VALID));
        return List.copyOf(items);
    }

    /** A valid 1 x 28 x 28 PNG; {@code seed} varies the pixels. */
    public static byte[] validPng(int seed) {
        return ImageCodec.encodePng(1, 28, 28, pixels(28 * 28, seed));
    }

    /**
     * A well-formed 8-bit gray PNG whose IHDR claims {@code width x height} pixels but whose image data holds a
     * single deflated byte: 74 bytes that ask a naive decoder for {@code width * height} bytes of buffer.
     */
    public static byte[] pngHeaderOnly(int width, int height) {
        ByteArrayOutputStream out = PngChunks.header(width, height, 0);
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[1]);
        deflater.finish();
        byte[] idat = new byte[64];
        int n = deflater.deflate(idat);
        deflater.end();
        PngChunks.chunk(out, "IDAT", Arrays.copyOf(idat, n));
        PngChunks.chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** {@code jpeg} with the size fields of its frame header replaced: a valid file that claims another size. */
    public static byte[] jpegClaiming(byte[] jpeg, int width, int height) {
        byte[] b = jpeg.clone();
        for (int i = 2; i + 9 < b.length; i++) {
            int marker = b[i + 1] & 0xFF;
            if ((b[i] & 0xFF) == 0xFF && (marker == 0xC0 || marker == 0xC1 || marker == 0xC2)) {
                b[i + 5] = (byte) (height >> 8);
                b[i + 6] = (byte) height;
                b[i + 7] = (byte) (width >> 8);
                b[i + 8] = (byte) width;
                return b;
            }
        }
        throw new IllegalArgumentException("no frame header found");
    }

    private static byte[] pixels(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static BufferedImage gray(int width, int height, int seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, width, height, pixels(width * height, seed));
        return image;
    }

    private static BufferedImage gray16(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
        short[] samples = new short[width * height];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) (i * 83);
        }
        image.getRaster().setDataElements(0, 0, width, height, samples);
        return image;
    }

    private static BufferedImage palette(int width, int height) {
        byte[] r = {0, (byte) 255, 0, 0};
        byte[] g = {0, 0, (byte) 255, 0};
        byte[] b = {0, 0, 0, (byte) 255};
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(2, 4, r, g, b));
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setSample(x, y, 0, (x + y) % 4);
            }
        }
        return image;
    }

    private static byte[] png(BufferedImage image) {
        return write(image, "png");
    }

    private static byte[] jpeg(BufferedImage image) {
        return write(image, "jpeg");
    }

    private static byte[] write(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer for " + image);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A four-component (CMYK) JPEG, written from a raster as ImageIO's writer allows. */
    private static byte[] cmykJpeg(int width, int height) {
        ComponentColorModel cmyk = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {8,
                8, 8, 8}, true, false, java.awt.Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = cmyk.createCompatibleWritableRaster(width, height);
        raster.setDataElements(0, 0, width, height, pixels(4 * width * height, 9));
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage((Raster) raster, null, null), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
