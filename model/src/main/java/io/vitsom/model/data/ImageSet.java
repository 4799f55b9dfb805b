package io.vitsom.model.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory image dataset: unsigned 8-bit pixels in CHW order, one label per image.
 *
 * <p>Pixels are kept as bytes (4x smaller than floats) and scaled to [0, 1] only when a batch is
 * taken, exactly like torchvision's {@code ToTensor}: {@code value / 255}.
 *
 * @param name a human-readable name (dataset and split), used in reports
 * @param channels channels per image (1 or 3)
 * @param height image height in pixels
 * @param width image width in pixels
 * @param pixels {@code size * channels * height * width} unsigned bytes, image-major then CHW
 * @param labels one label per image; {@code -1} where unknown
 * @param classNames class names indexed by label (may be empty when labels are plain integers)
 */
public record ImageSet(
        String name, int channels, int height, int width, byte[] pixels, int[] labels, List<String> classNames) {

    /** Label value for images whose label is unknown. */
    public static final int NO_LABEL = -1;

    public ImageSet {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        classNames = List.copyOf(Objects.requireNonNull(classNames, "classNames"));
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "image shape must be positive, got " + channels + "x" + height + "x" + width);
        }
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes, expected " + expected
                    + " for " + labels.length + " images of " + channels + "x" + height + "x" + width);
        }
    }

    /** Number of images. */
    public int size() {
        return labels.length;
    }

    /** Values per image: {@code channels * height * width}. */
    public int imageSize() {
        return channels * height * width;
    }

    /** Number of distinct classes: the class-name count, or {@code max(label) + 1} without names. */
    public int numClasses() {
        if (!classNames.isEmpty()) {
            return classNames.size();
        }
        return Arrays.stream(labels).max().orElse(-1) + 1;
    }

    /** Whether every image has a label. */
    public boolean fullyLabelled() {
        return Arrays.stream(labels).allMatch(l -> l >= 0);
    }

    /** Pixels of image {@code index} scaled to [0, 1], CHW order. */
    public float[] image(int index) {
        float[] out = new float[imageSize()];
        copyImage(index, out, 0);
        return out;
    }

    /** Writes the [0, 1]-scaled pixels of image {@code index} into {@code out} starting at {@code offset}. */
    public void copyImage(int index, float[] out, int offset) {
        int n = imageSize();
        int base = index * n;
        for (int i = 0; i < n; i++) {
            out[offset + i] = (pixels[base + i] & 0xFF) / 255f;
        }
    }

    /** Pixels of the given images, [0, 1]-scaled, as one flat {@code [indices.length, C, H, W]} array. */
    public float[] batch(int[] indices) {
        int n = imageSize();
        float[] out = new float[indices.length * n];
        for (int i = 0; i < indices.length; i++) {
            copyImage(indices[i], out, i * n);
        }
        return out;
    }

    /** The labels of the given images. */
    public int[] labelsOf(int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = labels[indices[i]];
        }
        return out;
    }

    /** The first {@code n} images (all of them when {@code n >= size()}). */
    public ImageSet limit(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + n);
        }
        if (n >= size()) {
            return this;
        }
        return new ImageSet(name + "[:" + n + "]", channels, height, width,
                Arrays.copyOf(pixels, n * imageSize()), Arrays.copyOf(labels, n), classNames);
    }

    /** This set followed by {@code other} (same shape), as the reference concatenates train and test. */
    public ImageSet concat(ImageSet other) {
        if (other.channels != channels || other.height != height || other.width != width) {
            throw new IllegalArgumentException("cannot concatenate " + shape() + " with " + other.shape());
        }
        byte[] p = Arrays.copyOf(pixels, pixels.length + other.pixels.length);
        System.arraycopy(other.pixels, 0, p, pixels.length, other.pixels.length);
        int[] l = Arrays.copyOf(labels, labels.length + other.labels.length);
        System.arraycopy(other.labels, 0, l, labels.length, other.labels.length);
        List<String> names = classNames.isEmpty() ? other.classNames : classNames;
        return new ImageSet(name + "+" + other.name, channels, height, width, p, l, names);
    }

    /** "CxHxW", for messages. */
    public String shape() {
        return channels + "x" + height + "x" + width;
    }

    @Override
    public String toString() {
        return "ImageSet[" + name + ", " + size() + " images of " + shape() + "]";
    }
}
