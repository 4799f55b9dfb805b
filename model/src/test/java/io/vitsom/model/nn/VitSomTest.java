package io.vitsom.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.vitsom.model.TestConfigs;
import io.vitsom.model.config.VitSomConfig;
import org.junit.jupiter.api.Test;

class VitSomTest {

    @Test
    void mnistConfigHasTheReferenceParameterCounts() {
        VitSomConfig config = TestConfigs.load("vit_som_mnist.yaml");
        try (NDManager manager = NDManager.newBaseManager()) {
            VitSom model = VitSom.builder().setConfig(config).build();
            model.initialize(manager);
            assertThat(model.trainableParameterCount()).isEqualTo(5_031_432L);
            assertThat(model.trainableParameterCount("som_layer.")).isEqualTo(5_017_600L);
            long decoder = model.namedParameters().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("vit.decoder") && e.getValue().requiresGradient())
                    .mapToLong(e -> e.getValue().getArray().size()).sum();
            assertThat(decoder).isEqualTo(584L);
            assertThat(model.trainableParameterCount("vit.") - decoder).isEqualTo(13_248L);
        }
    }

    @Test
    void cifarConfigHasTheReferenceParameterCount() {
        VitSomConfig config = TestConfigs.load("vit_som_cifar-10.yaml");
        try (NDManager manager = NDManager.newBaseManager()) {
            VitSom model = VitSom.builder().setConfig(config).build();
            model.initialize(manager);
            assertThat(model.trainableParameterCount()).isEqualTo(5_793_946L);
            assertThat(model.trainableParameterCount("som_layer.")).isEqualTo(196_608L);
        }
    }

    @Test
    void forwardGivesTheDocumentedShapes() {
        VitSomConfig config = TestConfigs.load("vit_som_mnist_24.yaml");
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            VitSom model = VitSom.builder().setConfig(config).build();
            model.initialize(manager);
            NDList out = model.forward(new ParameterStore(manager, false),
                    new NDList(manager.randomUniform(0f, 1f, new Shape(3, 1, 28, 28))), false);
            VitSom.Outputs o = VitSom.Outputs.of(model, out);
            assertThat(o.cls().getShape()).isEqualTo(new Shape(3, 16));
            assertThat(o.patches().getShape()).isEqualTo(new Shape(3, 196, 16));
            assertThat(o.reconstruction().orElseThrow().getShape()).isEqualTo(new Shape(3, 1, 28, 28));
            assertThat(o.distances().orElseThrow().getShape()).isEqualTo(new Shape(3, 576));
            assertThat(o.logits()).isEmpty();
        }
    }
}
