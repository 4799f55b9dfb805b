package io.vitsom.model.sommask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitsom.model.config.ConfigException;
import io.vitsom.model.sommask.SomMaskConfig.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SomMaskConfigTest {
    private static final Path CONFIGS = Path.of("..", "configs");

    static String text(String name) throws IOException {
        return Files.readString(CONFIGS.resolve(name));
    }

    private static ConfigException failure(String yaml) {
        return assertThrows(ConfigException.class, () -> SomMaskConfig.parse(yaml, "test"));
    }

    @Test
    void shippedConfigsLoadAndRoundTrip() throws IOException {
        for (String name : List.of("som_mask_mnist.yaml", "som_mask_cnn_mnist.yaml", "som_mask_cifar-10.yaml")) {
            SomMaskConfig config = SomMaskConfig.load(CONFIGS.resolve(name));
            assertEquals(config, SomMaskConfig.parse(config.toYaml(), name + " (round trip)"), name);
        }
    }

    @Test
    void mnistConfigHasTheSeedsComparison() throws IOException {
        SomMaskConfig config = SomMaskConfig.load(CONFIGS.resolve("som_mask_mnist.yaml"));
        assertEquals(List.of("som_mask", "full", "som_mask_k5", "som_mask_k30", "pruned_k5", "pruned_k30",
                "dropout_k5", "dropout_k30"), config.arms().stream().map(Arm::name).toList());
        NetworkPlan pruned = Arm.parse("pruned_k5").plan(config);
        assertEquals(List.of(5, 5), pruned.hidden().stream().map(NetworkPlan.LayerPlan::width).toList());
        NetworkPlan dropout = Arm.parse("dropout_k30").plan(config);
        assertEquals(new NetworkPlan.Dropout(0.3), dropout.hidden().get(0).gate());
        NetworkPlan som = Arm.parse("som_mask_k5").plan(config);
        assertEquals(new NetworkPlan.Som(1.0, 5.0, 5, 0.1), som.hidden().get(1).gate());
        assertInstanceOf(NetworkPlan.Plain.class, Arm.parse("full").plan(config).hidden().get(0).gate());
    }

    @Test
    void sigmaSweepReadsInfinity() throws IOException {
        SomMaskConfig config = SomMaskConfig.load(CONFIGS.resolve("som_mask_cifar-10.yaml"));
        assertEquals(List.of(Double.POSITIVE_INFINITY, 50.0, 20.0, 5.0), config.sigmaSweep());
        assertEquals(List.of("som_mask", "sigma_inf", "sigma_50", "sigma_20", "sigma_5"),
                config.arms().stream().map(Arm::name).toList());
        NetworkPlan.Som inf = (NetworkPlan.Som) config.arms().get(1).plan(config).hidden().get(0).gate();
        assertEquals(Double.POSITIVE_INFINITY, inf.forwardSigma());
        String infSigma = text("som_mask_mnist.yaml").replace("forward_sigma: 5.0", "forward_sigma: inf");
        assertEquals(Double.POSITIVE_INFINITY, SomMaskConfig.parse(infSigma, "t").mask().forwardSigma());
    }

    @Test
    void cnnPercentThresholdKeepsAtLeastOneChannel() throws IOException {
        SomMaskConfig config = SomMaskConfig.load(CONFIGS.resolve("som_mask_cnn_mnist.yaml"));
        assertEquals(Network.CNN, config.network());
        NetworkPlan p5 = Arm.parse("som_mask_p5").plan(config);
        // 5% of 16 and 32 channels: 0.8 and 1.6, rounded, at least 1.
        assertEquals(1, ((NetworkPlan.Som) p5.conv().get(0).gate()).keep());
        assertEquals(2, ((NetworkPlan.Som) p5.conv().get(1).gate()).keep());
    }

    @Test
    void strictKeysNameTheDottedPath() throws IOException {
        String mnist = text("som_mask_mnist.yaml");
        assertEquals("hyperparameters.mask.extra",
                failure(mnist.replace("learning_rate: 0.1", "learning_rate: 0.1\n    extra: 1")).key());
        String noMaskedLayers = mnist.replaceAll("(?m)^  masked_layers:.*\n", "");
        assertEquals("hyperparameters.masked_layers", failure(noMaskedLayers).key());
        assertEquals("hyperparameters.masked_layers", failure(mnist.replace("masked_layers: 2", "masked_layers: 3"))
                .key());
        assertEquals("hyperparameters.conv", failure(mnist.replace("masked_layers: 2",
                "masked_layers: 2\n  conv:\n    channels: [4]\n    kernel: 3")).key());
        assertEquals("hyperparameters.comparison", failure(mnist.replace("pruned_k30,", "pruned_k30, bagged_k3,"))
                .key());
        assertEquals("hyperparameters.comparison", failure(mnist.replace("pruned_k30", "pruned_k300")).key());
        assertEquals("hyperparameters.comparison", failure(mnist.replace("pruned_k30", "pruned_k5")).key());
        assertEquals("hyperparameters.mask.keep_top", failure(mnist.replace("keep_top: 0", "keep_top: 101")).key());
        assertEquals("hyperparameters.mask.keep_top", failure(mnist.replace("keep_top: 0", "keep_top: 3")
                .replace("keep_top_percent: 0.0", "keep_top_percent: 5")).key());
        assertEquals("hyperparameters.mask.forward_sigma", failure(mnist.replace("forward_sigma: 5.0",
                "forward_sigma: wide")).key());
        assertEquals("hyperparameters.network", failure(mnist.replace("network: fc", "network: rnn")).key());
        String cnn = text("som_mask_cnn_mnist.yaml");
        assertEquals("hyperparameters.mask.patch_size", failure(cnn.replace("learning_rate: 0.1",
                "learning_rate: 0.1\n    patch_size: 5")).key());
        assertEquals("hyperparameters.mask.patch_size", failure(cnn.replace("network: cnn", "network: conv_som"))
                .key());
        assertEquals("hyperparameters.conv.channels", failure(cnn.replace("channels: [16, 32]",
                "channels: [16, 32, 8]").replace("masked_layers: 2", "masked_layers: 3")).key());
        String cifar = text("som_mask_cifar-10.yaml");
        assertEquals("hyperparameters.sigma_sweep", failure(cifar.replace("[inf, 50, 20, 5]", "[inf, 50, inf]"))
                .key());
        assertEquals("hyperparameters.sigma_sweep", failure(cifar.replace("[inf, 50, 20, 5]", "[0, 5]")).key());
    }

    @Test
    void convSomConfigRoundTrips() throws IOException {
        String convSom = text("som_mask_cnn_mnist.yaml").replace("network: cnn", "network: conv_som")
                .replace("learning_rate: 0.1", "learning_rate: 0.1\n    patch_size: 5");
        SomMaskConfig config = SomMaskConfig.parse(convSom, "conv_som");
        assertEquals(5, config.mask().patchSize());
        assertEquals(config, SomMaskConfig.parse(config.toYaml(), "round trip"));
        assertTrue(config.toYaml().contains("patch_size"));
    }
}
