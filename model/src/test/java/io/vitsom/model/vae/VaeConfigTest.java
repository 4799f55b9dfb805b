package io.vitsom.model.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.config.AdamSection;
import io.vitsom.model.config.ConfigException;
import io.vitsom.model.config.DataSection;
import org.junit.jupiter.api.Test;

class VaeConfigTest {

    @Test
    void shippedConfigHoldsTheSeedsSetting() {
        VaeConfig c = VaeTestConfigs.fmnist();
        assertThat(c.modelArch()).isEqualTo(VaeConfig.MODEL_ARCH);
        assertThat(c.totalEpochs()).isEqualTo(20);
        assertThat(c.batchSize()).isEqualTo(64);
        assertThat(c.latentDim()).isEqualTo(32);
        assertThat(c.beta()).isEqualTo(1.0);
        assertThat(c.reconstruction()).isEqualTo(VaeConfig.Reconstruction.BCE);
        assertThat(c.encoderWidths()).containsExactly(32, 64);
        assertThat(c.decoderWidths()).containsExactly(64, 32);
        assertThat(c.optimizer()).isEqualTo(new AdamSection("adam", 0.001, 0.9, 0.999));
        assertThat(c.data()).isEqualTo(new DataSection("fashion-mnist", 0, 1, 28));
        assertThat(c.imageFloats()).isEqualTo(784);
    }

    @Test
    void writtenYamlReadsBackToTheSameConfig() {
        for (VaeConfig c : new VaeConfig[] {VaeTestConfigs.fmnist(), VaeTestConfigs.tiny()}) {
            assertThat(VaeConfig.parse(c.toYaml(), "round trip")).isEqualTo(c);
        }
    }

    @Test
    void unknownAndMissingKeysFailNamingTheDottedKey() {
        String unknown = VaeTestConfigs.TINY.replace("    beta_2: 0.999", "    beta_2: 0.999\n    momentum: 0.5");
        assertThatThrownBy(() -> VaeConfig.parse(unknown, "t")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hyperparameters.optimizer.momentum");
        String missing = VaeTestConfigs.TINY.replace("  latent_dim: 3\n", "");
        assertThatThrownBy(() -> VaeConfig.parse(missing, "t")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hyperparameters.latent_dim");
        String grid = VaeTestConfigs.TINY.replace("  beta: 1.0\n", "  beta: 1.0\n  map_size: [12, 12]\n");
        assertThatThrownBy(() -> VaeConfig.parse(grid, "t")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hyperparameters.map_size");
    }

    @Test
    void invalidValuesFailNamingTheKey() {
        assertThatThrownBy(() -> VaeConfig.parse(VaeTestConfigs.TINY.replace("reconstruction: bce",
                "reconstruction: l1"), "t")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hyperparameters.reconstruction").hasMessageContaining("bce or mse");
        assertThatThrownBy(() -> VaeConfig.parse(VaeTestConfigs.TINY.replace("model_arch: vae", "model_arch: url_som"),
                "t")).isInstanceOf(ConfigException.class).hasMessageContaining("hyperparameters.model_arch");
        assertThatThrownBy(() -> VaeConfig.parse(VaeTestConfigs.TINY.replace("beta: 1.0", "beta: -1"), "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("hyperparameters.beta");
        assertThatThrownBy(() -> VaeConfig.parse(VaeTestConfigs.TINY.replace("widths: [4, 8]", "widths: [4, 8, 8, 8]"),
                "t")).isInstanceOf(ConfigException.class).hasMessageContaining("hyperparameters.encoder.widths")
                .hasMessageContaining("multiple of 16");
        assertThatThrownBy(() -> VaeConfig.parse(VaeTestConfigs.TINY.replace("learning_rate: 0.01",
                "learning_rate: 0"), "t")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hyperparameters.optimizer.learning_rate");
        assertThatThrownBy(() -> VaeConfig.parse(VaeTestConfigs.TINY.replace("num_channels: 1", "num_channels: 2"),
                "t")).isInstanceOf(ConfigException.class).hasMessageContaining("data.num_channels");
    }
}
