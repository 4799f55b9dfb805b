package io.vitsom.model.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.config.ConfigException;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.urlsom.UrlSomConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MapModelsTest {
    private static Path configs() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("configs"))) {
                return p.resolve("configs");
            }
        }
        throw new IllegalStateException("configs/ not found");
    }

    @Test
    void theConfigsModelArchPicksTheModel() throws IOException {
        assertThat(MapModels.load(configs().resolve("vit_som_mnist.yaml"))).isInstanceOf(VitSomConfig.class);
        assertThat(MapModels.load(configs().resolve("url_som_mnist.yaml"))).isInstanceOf(UrlSomConfig.class);
        assertThatThrownBy(() -> MapModels.parse("hyperparameters:\n  model_arch: resnet\n", "x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("hyperparameters.model_arch")
                .hasMessageContaining("resnet");
        assertThatThrownBy(() -> MapModels.parse("data: {}\n", "x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("hyperparameters").hasMessageContaining("missing");
        assertThatThrownBy(() -> MapModels.parse("hyperparameters: {}\n", "x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("hyperparameters.model_arch");
    }

    @Test
    void sameNetworkIgnoresTrainingSettingsButNotTheNetwork() throws IOException {
        String vit = Files.readString(configs().resolve("vit_som_mnist.yaml"));
        MapModelConfig a = MapModels.parse(vit, "a");
        assertThat(a.sameNetwork(MapModels.parse(vit, "b"))).isTrue();
        assertThat(a.sameNetwork(a.withBatchSize(64).withTotalEpochs(3))).isTrue();
        assertThat(a.sameNetwork(MapModels.parse(vit.replace("map_size: [40, 40]", "map_size: [24, 24]"), "c")))
                .isFalse();
        String url = Files.readString(configs().resolve("url_som_mnist.yaml"));
        MapModelConfig u = MapModels.parse(url, "u");
        assertThat(u.sameNetwork(MapModels.parse(url.replace("gamma: 2.0", "gamma: 1.0"), "v"))).isTrue();
        assertThat(u.sameNetwork(MapModels.parse(url.replace("widths: [16, 48, 256]", "widths: [16, 48, 128]"), "w")))
                .isFalse();
        assertThat(u.sameNetwork(MapModels.parse(url.replace("sigma: 5.0", "sigma: 3.0"), "s"))).isFalse();
        assertThat(u.sameNetwork(a)).isFalse();
        assertThat(a.sameNetwork(u)).isFalse();
    }
}
