package io.vitsom.model.map;

import ai.djl.ndarray.NDManager;
import io.vitsom.model.config.ConfigException;
import io.vitsom.model.config.ConfigNode;
import io.vitsom.model.urlsom.UrlSomFamily;
import io.vitsom.model.vitsom.VitSomFamily;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The map models this project knows, chosen by a config's {@code hyperparameters.model_arch}: the one place that
 * names them. Everything else (the learner, serving, the dashboard, checkpoints) reads a config and builds a model
 * through here and works with {@link MapModel} only.
 */
public final class MapModels {
    private static final List<MapModelFamily> FAMILIES = List.of(new VitSomFamily(), new UrlSomFamily());

    private MapModels() {
    }

    /** Loads and validates a config file of any known model. */
    public static MapModelConfig load(Path file) throws IOException {
        return parse(ConfigNode.readFile(file), file.toString());
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
        return ConfigNode.parse(text, source).object("hyperparameters").string("model_arch");
    }
}
