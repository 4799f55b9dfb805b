package io.vitsom.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.TestConfigs;
import io.vitsom.model.som.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    @Test
    void everyShippedVitSomConfigLoads() throws IOException {
        // The url_som_* configs have their own loader and test (UrlSomConfigTest).
        try (Stream<Path> files = Files.list(TestConfigs.dir())) {
            files.filter(f -> f.getFileName().toString().matches("vit.*\\.yaml")).forEach(f -> {
                try {
                    assertThat(ConfigLoader.load(f).batchSize()).isEqualTo(128);
                } catch (IOException e) {
                    throw new AssertionError(f + ": " + e.getMessage(), e);
                }
            });
        }
    }

    @Test
    void mnistConfigHoldsTheReferenceValues() {
        VitSomConfig c = TestConfigs.load("vit_som_mnist.yaml");
        assertThat(c.som().rows()).isEqualTo(40);
        assertThat(c.som().tMax()).isEqualTo(20.0);
        assertThat(c.som().tMin()).isEqualTo(0.001);
        assertThat(c.som().topology()).isEqualTo(Topology.SQUARE);
        assertThat(c.som().distance()).isEqualTo(Distance.COSINE);
        assertThat(c.vit().patchSize()).isEqualTo(2);
        assertThat(c.vit().embDim()).isEqualTo(16);
        assertThat(c.optimizer().lr()).isEqualTo(0.01);
        assertThat(c.optimizer().minLr()).isEqualTo(1e-5);
        assertThat(c.gamma()).isEqualTo(0.005);
        assertThat(c.somInputDim()).isEqualTo(196 * 16);
    }

    @Test
    void writtenYamlReadsBackToTheSameConfig() {
        VitSomConfig c = TestConfigs.load("vit_som_cifar-10.yaml");
        assertThat(ConfigLoader.parse(ConfigLoader.toYaml(c), "round trip")).isEqualTo(c);
    }

    @Test
    void unknownKeyIsNamed() {
        assertThatThrownBy(() -> ConfigLoader.parse(mnist().replace("gamma: 0.005", "gamma: 0.005\n  gama: 1"), "x"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("hyperparameters.gama: unknown key");
    }

    @Test
    void wrongTypeIsNamed() {
        assertThatThrownBy(() -> ConfigLoader.parse(mnist().replace("depth: 4", "depth: four"), "x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("hyperparameters.vit.depth: must be an integer");
    }

    @Test
    void patchSizeThatDoesNotDivideTheImageIsRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse(mnist().replace("patch_size: 2", "patch_size: 3"), "x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("hyperparameters.vit.patch_size")
                .hasMessageContaining("does not divide data.input_size 28");
    }

    @Test
    void headsThatDoNotDivideTheWidthAreRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse(mnist().replace("heads: 2", "heads: 3"), "x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("hyperparameters.vit.heads: 3 heads do not divide hyperparameters.vit.emb_dim 16");
    }

    @Test
    void missingKeyIsNamed() {
        assertThatThrownBy(() -> ConfigLoader.parse(mnist().replace("    Tmin: 0.001\n", ""), "x"))
                .isInstanceOf(ConfigException.class).hasMessage("hyperparameters.som.Tmin: missing");
    }

    private static String mnist() {
        try {
            return Files.readString(TestConfigs.dir().resolve("vit_som_mnist.yaml"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
