package io.vitsom.model.map;

import ai.djl.ndarray.NDManager;

/**
 * One kind of map model as {@link MapModels} knows it: the {@code model_arch} values it answers to, how its config
 * is read from YAML and how a fresh model is built. Each kind lives in its own package and registers one of these.
 */
public interface MapModelFamily {
    /** Whether this family reads configs with {@code hyperparameters.model_arch: arch}. */
    boolean accepts(String arch);

    /** Parses and validates a config of this family from YAML text; {@code source} names it in errors. */
    MapModelConfig parse(String text, String source);

    /** A fresh model of {@code config}, its parameters initialised on {@code manager}. */
    MapModel create(MapModelConfig config, NDManager manager);
}
