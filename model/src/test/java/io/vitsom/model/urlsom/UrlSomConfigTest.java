package io.vitsom.model.urlsom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.config.ConfigException;
import io.vitsom.model.config.DataSection;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.som.Topology;
import java.util.List;
import org.junit.jupiter.api.Test;

class UrlSomConfigTest {
    private static final List<String> SHIPPED = List.of("url_som_cifar-10.yaml", "url_som_mnist.yaml",
            "url_som_fmnist.yaml", "url_som_usps.yaml");

    @Test
    void everyShippedUrlSomConfigLoadsThroughMapModels() {
        for (String name : SHIPPED) {
            UrlSomConfig c = UrlSomTestConfigs.load(name);
            assertThat(c.modelArch()).as(name).isEqualTo("url_som");
            assertThat(c.batchSize()).as(name).isEqualTo(256);
            assertThat(c.backbone().widths()).as(name).containsExactly(16, 48, 256);
            assertThat(c.augment().cropMax()).as(name).isEqualTo(c.inputSize());
        }
    }

    @Test
    void cifarConfigHoldsThePapersSetting() {
        UrlSomConfig c = UrlSomTestConfigs.load("url_som_cifar-10.yaml");
        assertThat(c.totalEpochs()).isEqualTo(500);
        assertThat(c.gamma()).isEqualTo(2.0);
        assertThat(c.earlyStoppingPatience()).isEqualTo(10);
        assertThat(c.grid().rows()).isEqualTo(30);
        assertThat(c.grid().cols()).isEqualTo(30);
        assertThat(c.grid().topology()).isEqualTo(Topology.SQUARE);
        assertThat(c.map().kernel()).isEqualTo(new UrlSomConfig.Gaussian(5.0));
        assertThat(c.map().kernel().build().size()).isEqualTo(31);
        assertThat(c.map().projectionL2()).isEqualTo(0.0005);
        assertThat(c.backbone().depth()).isEqualTo(20);
        assertThat(c.backbone().blocksPerStage()).isEqualTo(3);
        assertThat(c.backbone().activation()).isEqualTo(UrlSomConfig.Activation.ELU);
        assertThat(c.optimizer().warmupLr()).containsExactly(0.0001, 0.0005, 0.001);
        assertThat(c.augment()).isEqualTo(ViewAugment.paper());
        assertThat(c.data()).isEqualTo(new DataSection("cifar-10", 0, 3, 32));
    }

    @Test
    void grayConfigsTurnOffWhatGrayImagesIgnore() {
        UrlSomConfig mnist = UrlSomTestConfigs.load("url_som_mnist.yaml");
        assertThat(mnist.augment()).isEqualTo(new ViewAugment(19, 28, 0, 0.4, 0.4, 0, 0, 0.8, 0));
        assertThat(UrlSomTestConfigs.load("url_som_fmnist.yaml").augment().horizontalFlip()).isEqualTo(0.5);
        UrlSomConfig usps = UrlSomTestConfigs.load("url_som_usps.yaml");
        assertThat(usps.units()).isEqualTo(400);
        assertThat(usps.augment().cropMin()).isEqualTo(11);
        assertThat(usps.augment().horizontalFlip()).isZero();
    }

    @Test
    void writtenYamlReadsBackToTheSameConfig() {
        for (String name : SHIPPED) {
            UrlSomConfig c = UrlSomTestConfigs.load(name);
            assertThat(MapModels.parse(c.toYaml(), "round trip")).as(name).isEqualTo(c);
        }
        UrlSomConfig studentT = UrlSomConfig.parse(studentT(), "t");
        assertThat(studentT.map().kernel()).isEqualTo(new UrlSomConfig.StudentT(1.0, 7));
        assertThat(MapModels.parse(studentT.toYaml(), "round trip")).isEqualTo(studentT);
        assertThat(studentT.toTree().path("hyperparameters").path("map").has("sigma")).isFalse();
    }

    @Test
    void withersKeepEverythingElse() {
        UrlSomConfig c = UrlSomTestConfigs.tiny();
        assertThat(c.withBatchSize(5).batchSize()).isEqualTo(5);
        assertThat(c.withBatchSize(5).withBatchSize(8)).isEqualTo(c);
        assertThat(c.withTotalEpochs(9).withTotalEpochs(3)).isEqualTo(c);
    }

    @Test
    void unknownKeyIsNamed() {
        expectKey(UrlSomTestConfigs.tinyWith("sigma: 0.5", "sigma: 0.5\n    sigmaa: 1"), "hyperparameters.map.sigmaa");
        expectKey(UrlSomTestConfigs.tinyWith("gamma: 2.0", "gamma: 2.0\n  gama: 1"), "hyperparameters.gama");
    }

    @Test
    void missingKeyIsNamed() {
        expectKey(UrlSomTestConfigs.tinyWith("    grayscale_p: 0.2\n", ""), "hyperparameters.augment.grayscale_p");
        expectKey(UrlSomTestConfigs.tinyWith("  early_stopping_patience: 0\n", ""),
                "hyperparameters.early_stopping_patience");
    }

    @Test
    void wrongTypeIsNamed() {
        expectKey(UrlSomTestConfigs.tinyWith("batch_size: 8", "batch_size: eight"), "hyperparameters.batch_size");
        expectKey(UrlSomTestConfigs.tinyWith("widths: [4, 8, 16]", "widths: 16"), "hyperparameters.backbone.widths");
        expectKey(UrlSomTestConfigs.tinyWith("map_size: [4, 4]", "map_size: [4, 4, 4]"), "hyperparameters.map.map_size");
    }

    @Test
    void kernelIsCheckedWithItsOwnKeys() {
        expectKey(UrlSomTestConfigs.tinyWith("kernel: gaussian", "kernel: box"), "hyperparameters.map.kernel");
        expectKey(UrlSomTestConfigs.tinyWith("sigma: 0.5", "sigma: 0.5\n    kernel_size: 7"),
                "hyperparameters.map.kernel_size");
        expectKey(UrlSomTestConfigs.tinyWith("sigma: 0.5", "sigma: -1"), "hyperparameters.map.sigma");
        expectKey(studentT().replace("    kernel_size: 7\n", ""), "hyperparameters.map.kernel_size");
        expectKey(studentT().replace("kernel_size: 7", "kernel_size: 8"), "hyperparameters.map.kernel_size");
        expectKey(studentT().replace("student_t_scale: 1.0", "student_t_scale: 1.0\n    sigma: 2"),
                "hyperparameters.map.sigma");
    }

    @Test
    void badValuesAreNamed() {
        // MapModels routes other archs elsewhere; the record itself refuses them.
        assertThatThrownBy(() -> UrlSomConfig.parse(UrlSomTestConfigs.tinyWith("model_arch: url_som", "model_arch: vit"),
                "x")).isInstanceOf(ConfigException.class).hasMessageStartingWith("hyperparameters.model_arch: ");
        expectKey(UrlSomTestConfigs.tinyWith("depth: 8", "depth: 9"), "hyperparameters.backbone.depth");
        expectKey(UrlSomTestConfigs.tinyWith("activation: elu", "activation: gelu"), "hyperparameters.backbone.activation");
        expectKey(UrlSomTestConfigs.tinyWith("warmup_lr: [0.001, 0.01]", "warmup_lr: [0.001]"),
                "hyperparameters.optimizer.warmup_lr");
        expectKey(UrlSomTestConfigs.tinyWith("type: adam", "type: sgd"), "hyperparameters.optimizer.type");
        expectKey(UrlSomTestConfigs.tinyWith("projection_dropout: 0.0", "projection_dropout: 1.0"),
                "hyperparameters.map.projection_dropout");
        expectKey(UrlSomTestConfigs.tinyWith("grayscale_p: 0.2", "grayscale_p: 1.5"), "hyperparameters.augment.grayscale_p");
        expectKey(UrlSomTestConfigs.tinyWith("crop: [6, 8]", "crop: [6, 9]"), "hyperparameters.augment.crop");
        expectKey(UrlSomTestConfigs.tinyWith("crop: [6, 8]", "crop: [7, 6]"), "hyperparameters.augment.crop");
        expectKey(UrlSomTestConfigs.tinyWith("num_channels: 3", "num_channels: 2"), "data.num_channels");
    }

    @Test
    void grayImagesRejectColourOnlyAugmentation() {
        String gray = UrlSomTestConfigs.tinyWith("num_channels: 3", "num_channels: 1");
        expectKey(gray, "hyperparameters.augment.color_jitter");
        expectKey(gray.replace("[0.4, 0.4, 0.4, 0.1]", "[0.4, 0.4, 0, 0]"), "hyperparameters.augment.grayscale_p");
        UrlSomConfig ok = UrlSomConfig.parse(gray.replace("[0.4, 0.4, 0.4, 0.1]", "[0.4, 0.4, 0, 0]")
                .replace("grayscale_p: 0.2", "grayscale_p: 0"), "gray");
        assertThat(ok.numChannels()).isEqualTo(1);
    }

    private static String studentT() {
        return UrlSomTestConfigs.tinyWith("kernel: gaussian\n    sigma: 0.5",
                "kernel: student_t\n    student_t_scale: 1.0\n    kernel_size: 7");
    }

    private static void expectKey(String yaml, String key) {
        assertThatThrownBy(() -> MapModels.parse(yaml, "test"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key))
                .hasMessageStartingWith(key + ": ");
    }
}
