package io.vitsom.model.render;

import io.vitsom.model.data.DecodedImage;
import io.vitsom.model.data.ImageCodec;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Single images a model draws ({@code [C*H*W]} floats in [0, 1]) as pictures: one image as it is, or many side by
 * side on a contact sheet, and either as PNG bytes.
 *
 * <p>Pixels are {@link ImageCodec#fromFloats}'s, the project's one float-to-pixel rule. A gray image stays a gray
 * picture, so its PNG decodes to one channel again and can be sent back to {@code POST /v1/assign} as it is.
 */
public final class ImagePictures {
    private ImagePictures() {
    }

    /**
     * One image at its own size: {@link BufferedImage#TYPE_BYTE_GRAY} for 1 channel, {@link
     * BufferedImage#TYPE_INT_RGB} for 3.
     *
     * @throws IllegalArgumentException when {@code channels} is not 1 or 3, or {@code chw} is not
     *     {@code channels * height * width} values
     */
    public static BufferedImage picture(float[] chw, int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        DecodedImage pixels = ImageCodec.fromFloats(channels, height, width, chw);
        byte[] bytes = pixels.chw();
        int plane = height * width;
        if (channels == 1) {
            BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            WritableRaster raster = out.getRaster();
            int[] row = new int[width];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    row[x] = bytes[y * width + x] & 0xFF;
                }
                raster.setPixels(0, y, width, 1, row);
            }
            return out;
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < plane; p++) {
            int rgb = (bytes[p] & 0xFF) << 16 | (bytes[plane + p] & 0xFF) << 8 | bytes[2 * plane + p] & 0xFF;
            out.setRGB(p % width, p / width, rgb);
        }
        return out;
    }

    /**
     * {@code images} row by row, {@code columns} to a row, each pixel a {@code scale x scale} block, {@code gap}
     * background pixels ({@link MapImages#BACKGROUND_RGB}) between the tiles and around them.
     */
    public static BufferedImage contactSheet(float[][] images, int channels, int height, int width, int columns,
                                             int scale, int gap) {
        if (images.length == 0) {
            throw new IllegalArgumentException("a contact sheet needs at least one image");
        }
        if (columns <= 0 || scale <= 0 || gap < 0) {
            throw new IllegalArgumentException("bad contact sheet layout: " + columns + " columns, scale " + scale
                    + ", gap " + gap);
        }
        int shown = Math.min(columns, images.length);
        int rows = (images.length + columns - 1) / columns;
        int tileW = width * scale;
        int tileH = height * scale;
        BufferedImage out = new BufferedImage(gap + shown * (tileW + gap), gap + rows * (tileH + gap),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(new java.awt.Color(MapImages.BACKGROUND_RGB));
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            // Pixels stay sharp blocks when scaled up.
            g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                    java.awt.RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            for (int i = 0; i < images.length; i++) {
                g.drawImage(picture(images[i], channels, height, width), gap + (i % columns) * (tileW + gap),
                        gap + (i / columns) * (tileH + gap), tileW, tileH, null);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Columns of a roughly square contact sheet of {@code count} images. */
    public static int squareColumns(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("count must be positive, got " + count);
        }
        return (int) Math.ceil(Math.sqrt(count));
    }

    /** {@code image} encoded as PNG by ImageIO. */
    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!javax.imageio.ImageIO.write(image, "png", bytes)) {
                throw new IllegalStateException("no PNG writer available in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory failed", e);
        }
        return bytes.toByteArray();
    }
}
