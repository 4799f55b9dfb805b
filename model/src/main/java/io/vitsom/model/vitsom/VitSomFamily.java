package io.vitsom.model.vitsom;

import ai.djl.ndarray.NDManager;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModelFamily;
import io.vitsom.model.nn.VitSom;

/** ViT-SOM ({@code model_arch: vit_som}) and the plain ViT classifier ({@code vit}) for {@code MapModels}. */
public final class VitSomFamily implements MapModelFamily {
    @Override
    public boolean accepts(String arch) {
        return arch.equals("vit_som") || arch.equals("vit");
    }

    @Override
    public VitSomConfig parse(String text, String source) {
        return ConfigLoader.parse(text, source);
    }

    @Override
    public MapModel create(MapModelConfig config, NDManager manager) {
        VitSom model = VitSom.builder().setConfig((VitSomConfig) config).build();
        model.initialize(manager);
        return new VitSomMapModel(model, manager);
    }
}
