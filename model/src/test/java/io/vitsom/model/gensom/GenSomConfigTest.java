package io.vitsom.model.gensom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.config.ConfigException;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GenSomConfigTest {

    @Test
    void theShippedConfigLoadsThroughMapModelsWithTheSeedsSetting() throws IOException {
        MapModelConfig loaded = MapModels.load(Path.of("..", "configs", "gen_som_attn_fmnist.yaml"));
        assertThat(loaded).isInstanceOf(GenSomConfig.class);
        GenSomConfig config = (GenSomConfig) loaded;
        assertThat(config).isEqualTo(GenSomConfig.parse(GenSomTestConfigs.seedYaml(), "seed"));
        assertThat(config.latentDim()).isEqualTo(32);
        assertThat(config.grid().units()).isEqualTo(144);
        assertThat(config.batchSize()).isEqualTo(64);
        assertThat(config.totalEpochs()).isEqualTo(20);
        assertThat(config.optimizer().learningRate()).isEqualTo(0.001);
        assertThat(config.decoderTraining()).isEqualTo(GenSomConfig.DecoderTraining.BOTH);
        assertThat(config.dataset()).isEqualTo("fashion-mnist");
    }

    @Test
    void yamlRoundTripsForBothAttentionInputs() {
        GenSomConfig spatial = GenSomConfig.parse(GenSomTestConfigs.seedYaml(), "seed");
        assertThat(GenSomConfig.parse(spatial.toYaml(), "again")).isEqualTo(spatial);
        assertThat(MapModels.parse(spatial.toYaml(), "again")).isEqualTo(spatial);
        GenSomConfig latent = GenSomConfig.parse(GenSomTestConfigs.seedYaml("over: spatial", "over: latent",
                "readout: flatten", "latent_tokens: 8", "decoder_training: both", "decoder_training: prototype",
                "init: first_batch", "init: normal"), "latent");
        assertThat(latent.attention()).isEqualTo(GenSomConfig.Attention.latent(4, 8));
        assertThat(GenSomConfig.parse(latent.toYaml(), "again")).isEqualTo(latent);
        assertThat(latent.sameNetwork(spatial)).isFalse();
        assertThat(spatial.withTotalEpochs(3).withBatchSize(16).sameNetwork(spatial)).isTrue();
        assertThat(spatial.withBatchSize(16).batchSize()).isEqualTo(16);
    }

    @Test
    void anUnknownKeyFailsNamingIt() {
        assertThatThrownBy(() -> GenSomConfig.parse(GenSomTestConfigs.seedYaml("init_noise: 0.01",
                "init_noise: 0.01\n    temperature: 3"), "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("hyperparameters.som.temperature");
    }

    @Test
    void aMissingKeyFailsNamingIt() {
        assertThatThrownBy(() -> GenSomConfig.parse(GenSomTestConfigs.seedYaml("    eta_end: 0.01\n", ""), "t"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("hyperparameters.som.eta_end"));
    }

    @Test
    void badValuesFailNamingTheirKey() {
        assertBad("hyperparameters.som.eta_end", "eta_end: 0.01", "eta_end: 0.9");
        assertBad("hyperparameters.som.sigma_start", "sigma_start: 6.0", "sigma_start: -1");
        assertBad("hyperparameters.attention.heads", "heads: 4", "heads: 3");
        assertBad("hyperparameters.decoder_training", "decoder_training: both", "decoder_training: all");
        assertBad("hyperparameters.attention.readout", "over: spatial", "over: latent");
        assertBad("hyperparameters.encoder.widths", "input_size: 28", "input_size: 30");
        assertBad("hyperparameters.optimizer.type", "type: adam", "type: sgd");
        assertBad("hyperparameters.som.init", "init: first_batch", "init: zeros");
        assertBad("data.num_channels", "num_channels: 1", "num_channels: 2");
        assertBad("hyperparameters.model_arch", "model_arch: gen_som_attn", "model_arch: gen_som");
    }

    private static void assertBad(String key, String from, String to) {
        assertThatThrownBy(() -> GenSomConfig.parse(GenSomTestConfigs.seedYaml(from, to), "t"))
                .as(to).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).as(to).isEqualTo(key));
    }
}
