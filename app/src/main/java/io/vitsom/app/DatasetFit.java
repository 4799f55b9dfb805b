package io.vitsom.app;

import io.vitsom.model.map.MapModels;
import io.vitsom.model.map.MapModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Whether a dataset's images fit a model config, decided before anything starts: a pipeline fed images its
 * validation rejects one by one would never become healthy and only say so in INFO lines. When they do not fit and
 * the user did not name a config, the project's own config for that shape is chosen (and said); otherwise the
 * answer is one message naming both shapes and the ways out.
 */
final class DatasetFit {
    /** The project's configs, in order of preference when several read the same shape. */
    static final List<String> PREFERRED = List.of("vit_som_mnist.yaml", "vit_som_usps.yaml", "vit_som_cifar-10.yaml");

    private DatasetFit() {
    }

    /**
     * The config to run with.
     *
     * @param config the config path as given (or defaulted)
     * @param model that config, loaded
     * @param explicit whether the user named {@code config} (then it is never replaced)
     * @param imageShape the dataset's image shape, {@code "CxHxW"}
     * @param convertsOrResizes whether validation will convert channels or resize (then any shape is accepted)
     * @param configsDir where the project's configs are
     * @return the config to use, with a line to print when it is not {@code config}
     * @throws IllegalArgumentException naming both shapes and the ways out when nothing fits
     */
    static Choice choose(Path config, MapModelConfig model, boolean explicit, String imageShape,
                         boolean convertsOrResizes, Path configsDir) {
        String modelShape = shape(model);
        if (modelShape.equals(imageShape) || convertsOrResizes) {
            return new Choice(config, model, Optional.empty());
        }
        if (!explicit) {
            for (String name : PREFERRED) {
                Path candidate = configsDir.resolve(name);
                Optional<MapModelConfig> loaded = load(candidate);
                if (loaded.isPresent() && shape(loaded.get()).equals(imageShape)) {
                    return new Choice(candidate, loaded.get(), Optional.of("the images are " + imageShape + ", not "
                            + modelShape + " as " + config + " reads: using " + candidate + " (--config chooses "
                            + "another)"));
                }
            }
        }
        throw new IllegalArgumentException("the dataset's images are " + imageShape + " but " + config + " reads "
                + modelShape + "; pass --config with a config for " + imageShape + " images"
                + suggestion(imageShape, configsDir) + ", or --resize (and --convert for other channels) to let "
                + "validation fit them to " + modelShape);
    }

    /**
     * A config to run with.
     *
     * @param path its file
     * @param model its contents
     * @param notice what to tell the user when it is not the config they asked for
     */
    record Choice(Path path, MapModelConfig model, Optional<String> notice) {
    }

    static String shape(MapModelConfig model) {
        int size = model.inputSize();
        return model.numChannels() + "x" + size + "x" + size;
    }

    private static String suggestion(String imageShape, Path configsDir) {
        if (!Files.isDirectory(configsDir)) {
            return "";
        }
        try (Stream<Path> files = Files.list(configsDir)) {
            // ViT-SOM configs only: the classification ones (vit_*) are not what the streaming pipeline trains.
            return files.sorted().filter(p -> p.getFileName().toString().matches("vit_som_.*\\.yaml"))
                    .filter(p -> load(p).map(m -> shape(m).equals(imageShape)).orElse(false))
                    .findFirst().map(p -> " (e.g. " + p + ")").orElse(" (none of " + configsDir + " does)");
        } catch (IOException e) {
            return "";
        }
    }

    private static Optional<MapModelConfig> load(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(MapModels.load(file)) : Optional.empty();
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }
}
