package io.vitsom.model.gensom;

import ai.djl.ndarray.NDManager;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModelFamily;

/** Gen-SOM-Attn ({@code model_arch: gen_som_attn}) for {@code MapModels}. */
public final class GenSomFamily implements MapModelFamily {
    @Override
    public boolean accepts(String arch) {
        return GenSomConfig.MODEL_ARCH.equals(arch);
    }

    @Override
    public GenSomConfig parse(String text, String source) {
        return GenSomConfig.parse(text, source);
    }

    /** A fresh model; its initialisation draws from the engine's generator, so seed the engine first. */
    @Override
    public MapModel create(MapModelConfig config, NDManager manager) {
        return GenSomModel.create((GenSomConfig) config, manager);
    }
}
