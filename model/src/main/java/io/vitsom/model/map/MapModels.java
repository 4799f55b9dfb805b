package io.vitsom.model.map;

import ai.djl.ndarray.NDManager;
import io.vitsom.model.config.ConfigException;
import io.vitsom.model.config.ConfigNode;
import io.vitsom.model.gensom.GenSomFamily;
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
    private static final List<MapModelFamily> FAMILIES = List.of(new VitSomFamily(), new UrlSomFamily(),
            new GenSomFamily());

    private MapModels() {
    }

    /** Loads and validates a config file of any known model. */
    public static MapModelConfig load(Path file) throws IOException {
        return parse(ConfigNode.readFile(file), file.toString());
    }

    /** Parses and validates YAML text of any known model; {@code source} names it in errors. */
    public static MapModelConfig parse(String text, String source) {
        return family(ConfigNode.modelArch(text, source)).parse(text, source);
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
                "must be vit_som, vit, url_som or gen_som_attn, got '" + arch + "'"
                        + (arch.equals("vae") || arch.equals("som_mask")
                        ? " (vae and som_mask configs are not map models: they run under vitsom bench only)" : ""));
    }
}
