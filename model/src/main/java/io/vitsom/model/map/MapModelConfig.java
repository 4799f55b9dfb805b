package io.vitsom.model.map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.config.Distance;
import io.vitsom.model.som.SomGrid;

/**
 * What every map model's configuration says, whatever the model: its kind ({@code hyperparameters.model_arch}), the
 * images it takes, the grid its units form and its batch. The streaming services and the checkpoints read only this;
 * each kind's own record ({@code VitSomConfig}, {@code UrlSomConfig}) holds the rest. {@link MapModels} parses any
 * of them from YAML.
 */
public interface MapModelConfig {
    /** {@code hyperparameters.model_arch}: which kind of model this configures. */
    String modelArch();

    /** Images per training step. */
    int batchSize();

    /** Epochs of the offline schedule. */
    int totalEpochs();

    /** {@code data.dataset}: the dataset the config was written for. */
    String dataset();

    /** Channels of an input image (1 or 3). */
    int numChannels();

    /** Side of a (square) input image in pixels. */
    int inputSize();

    /** The map's units and their geometry. */
    SomGrid grid();

    /** Whether the model has a map at all (the plain ViT classifier, {@code model_arch: vit}, has none). */
    default boolean usesSom() {
        return true;
    }

    /** The distance in which the map's prototype vectors are compared ({@link MapModel#prototypes()}). */
    default Distance prototypeDistance() {
        return Distance.EUCLIDEAN;
    }

    /** Whether the config trains a classifier with labels (ViT-SOM-cls, ViT) rather than a map without them. */
    default boolean classification() {
        return false;
    }

    /** Floats of one image: {@code channels * size * size}. */
    default int imageFloats() {
        return numChannels() * inputSize() * inputSize();
    }

    /**
     * Fails when {@code what} does not hold images of this config's input ({@code data.num_channels} x
     * {@code data.input_size} x {@code data.input_size}), naming both shapes.
     */
    default void requireInput(int channels, int height, int width, String what) {
        int c = numChannels();
        int s = inputSize();
        if (channels != c || height != s || width != s) {
            throw new IllegalArgumentException("the config expects " + c + "x" + s + "x" + s + " images (data.num_channels,"
                    + " data.input_size) but " + what + " holds " + channels + "x" + height + "x" + width + " images");
        }
    }

    /**
     * Whether a model of this config has the same network as one of {@code other}, so that its parameters fit
     * (a learner resuming a checkpoint written with another config checks this). Training settings may differ.
     */
    default boolean sameNetwork(MapModelConfig other) {
        SomGrid a = grid();
        SomGrid b = other.grid();
        return modelArch().equals(other.modelArch()) && a.rows() == b.rows() && a.cols() == b.cols()
                && a.topology() == b.topology() && numChannels() == other.numChannels()
                && inputSize() == other.inputSize();
    }

    /** The config as a tree in its YAML layout (checkpoints and JSON exports carry it). */
    ObjectNode toTree();

    /** The config as YAML text; {@link MapModels#parse} reads it back unchanged. */
    String toYaml();

    /** The same configuration with another number of epochs (budget-limited runs). */
    MapModelConfig withTotalEpochs(int epochs);

    /** The same configuration with another batch size. */
    MapModelConfig withBatchSize(int batch);
}
