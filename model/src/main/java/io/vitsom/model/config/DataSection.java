package io.vitsom.model.config;

import static io.vitsom.model.config.ConfigException.require;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code data:} section of the Gen-SOM-Attn, VAE, SOM-mask and URL-SOM configs. These families read the same four
 * keys with the same checks, so they share one record: a config written for one family states its input the way the
 * others do, and an invalid value fails with the same key and message whichever family reads it. (ViT-SOM's
 * {@code data:} carries augmentation and workers as well and keeps its own record.)
 *
 * @param dataset the dataset the config was written for
 * @param numClasses classes of its labels (0: the model never reads labels)
 * @param numChannels 1 or 3
 * @param inputSize side of the square images
 */
public record DataSection(String dataset, int numClasses, int numChannels, int inputSize) {
    public DataSection {
        validate(dataset, numClasses, numChannels, inputSize, 0);
    }

    /** Reads and validates {@code node} (the {@code data} mapping) for a model that may ignore labels. */
    public static DataSection parse(ConfigNode node) {
        return parse(node, 0);
    }

    /**
     * Reads and validates {@code node} (the {@code data} mapping) for a model that needs at least {@code minClasses}
     * classes; the class count is checked in its place among the keys, so the first bad key is the one reported.
     */
    public static DataSection parse(ConfigNode node, int minClasses) {
        String dataset = node.string("dataset");
        int numClasses = node.integer("num_classes");
        int numChannels = node.integer("num_channels");
        int inputSize = node.integer("input_size");
        validate(dataset, numClasses, numChannels, inputSize, minClasses);
        return new DataSection(dataset, numClasses, numChannels, inputSize);
    }

    /** Checks that there are at least {@code min} classes, as {@link #parse(ConfigNode, int)} does. */
    public void requireClasses(int min) {
        require(numClasses >= min, "data.num_classes", "must be >= " + min + ", got " + numClasses);
    }

    private static void validate(String dataset, int numClasses, int numChannels, int inputSize, int minClasses) {
        require(dataset != null && !dataset.isBlank(), "data.dataset", "must not be empty");
        require(numClasses >= minClasses, "data.num_classes", "must be >= " + minClasses + ", got " + numClasses);
        require(numChannels == 1 || numChannels == 3, "data.num_channels", "must be 1 or 3, got " + numChannels);
        require(inputSize > 0, "data.input_size", "must be > 0, got " + inputSize);
    }

    /** Floats per image: {@code C * S * S}. */
    public int imageFloats() {
        return numChannels * inputSize * inputSize;
    }

    /**
     * Checks that {@code images} holds exactly {@code count} images of this input, so that a caller passing the wrong
     * size learns it from the sizes rather than from a reshape deep in the network.
     *
     * @throws IllegalArgumentException when the length is not {@code count} images
     */
    public void requireImages(float[] images, int count) {
        Objects.requireNonNull(images, "images");
        int per = imageFloats();
        if (count < 0 || images.length != (long) count * per) {
            throw new IllegalArgumentException("expected " + count + " images of " + numChannels + "x" + inputSize
                    + "x" + inputSize + " (" + (long) count * per + " floats), got " + images.length + " floats");
        }
    }

    /** The section in its YAML layout and key order. */
    public Map<String, Object> toTree() {
        var tree = new LinkedHashMap<String, Object>();
        tree.put("dataset", dataset);
        tree.put("num_classes", numClasses);
        tree.put("num_channels", numChannels);
        tree.put("input_size", inputSize);
        return tree;
    }
}
