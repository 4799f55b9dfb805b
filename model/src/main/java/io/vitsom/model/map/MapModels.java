package io.vitsom.model.map;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vitsom.model.config.ConfigException;
import io.vitsom.model.urlsom.UrlSomFamily;
import io.vitsom.model.vitsom.VitSomFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The map models this project knows, chosen by a config's {@code hyperparameters.model_arch}: the one place that
 * names them. Everything else (the learner, serving, the dashboard, checkpoints) reads a config and builds a model
 * through here and works with {@link MapModel} only.
 */
public final class MapModels {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<MapModelFamily> FAMILIES = List.of(new VitSomFamily(), new UrlSomFamily());

    private MapModels() {
    }

    /** Loads and validates a config file of any known model. */
    public static MapModelConfig load(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "config file not found");
        }
        return parse(text, file.toString());
    }

    /** Parses and validates YAML text of any known model; {@code source} names it in errors. */
    public static MapModelConfig parse(String text, String source) {
        return family(arch(text, source)).parse(text, source);
    }

    /** A fresh model of {@code config} on {@code manager}. */
    public static MapModel create(MapModelConfig config, NDManager manager) {
        return family(config.modelArch()).create(config, manager);
    }

    private static MapModelFamily family(String arch) {
        for (MapModelFamily f : FAMILIES) {
            if (f.accepts(arch)) {
                return f;
            }
        }
        throw new ConfigException("hyperparameters.model_arch",
                "must be vit_som, vit or url_som, got '" + arch + "'");
    }

    private static String arch(String text, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (IOException e) {
            throw new ConfigException("(file)", source + " is not valid YAML: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("(file)", source + " must hold a YAML mapping with hyperparameters and data");
        }
        JsonNode arch = root.path("hyperparameters").path("model_arch");
        if (!arch.isTextual()) {
            throw new ConfigException("hyperparameters.model_arch", arch.isMissingNode() ? "missing"
                    : "must be a string, got " + arch);
        }
        return arch.asText();
    }
}
