package io.vitsom.model.urlsom;

import ai.djl.ndarray.NDManager;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModelFamily;

/** URL-SOM ({@code model_arch: url_som}) for {@code MapModels}. */
public final class UrlSomFamily implements MapModelFamily {
    @Override
    public boolean accepts(String arch) {
        return UrlSomConfig.MODEL_ARCH.equals(arch);
    }

    @Override
    public UrlSomConfig parse(String text, String source) {
        return UrlSomConfig.parse(text, source);
    }

    /** A fresh model; its initialisation draws from the engine's generator, so seed the engine first. */
    @Override
    public MapModel create(MapModelConfig config, NDManager manager) {
        UrlSomNet net = UrlSomNet.builder().setConfig((UrlSomConfig) config).build();
        net.initialize(manager);
        return new UrlSomModel(net, manager);
    }
}
