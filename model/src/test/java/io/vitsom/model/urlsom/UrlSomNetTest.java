package io.vitsom.model.urlsom;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.vitsom.model.nn.Autograd;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UrlSomNetTest {

    /**
     * The paper's "3.4 million trainable parameters with 0.23 million for the linear 30x30 2D projection" (sec.
     * V.B), counted by hand for ResNet-20 with widths 16/48/256 on 3-channel input (bias-free convs; each BN has a
     * trained gamma and beta of its width):
     * <ul>
     *   <li>stem: conv 3*16*9 = 432, BN 2*16 = 32: 464;
     *   <li>stage 1 (16 -> 16), 3 blocks of 2 convs 16*16*9 = 2 304 and 2 BNs of 32: 3 * 4 672 = 14 016;
     *   <li>stage 2 (16 -> 48): block 0 = conv 16*48*9 = 6 912 + conv 48*48*9 = 20 736 + 2 BNs 192 + shortcut
     *       1x1 conv 16*48 = 768 + BN 96 = 28 704; blocks 1, 2 = 2 * (2 * 20 736 + 192) = 83 328: 112 032;
     *   <li>stage 3 (48 -> 256): block 0 = 48*256*9 = 110 592 + 256*256*9 = 589 824 + 2 BNs 1 024 + shortcut
     *       48*256 = 12 288 + BN 512 = 714 240; blocks 1, 2 = 2 * (2 * 589 824 + 1 024) = 2 361 344: 3 075 584;
     *   <li>backbone: 464 + 14 016 + 112 032 + 3 075 584 = 3 202 096;
     *   <li>projection: 256 * 900 weights + 900 biases = 231 300;
     *   <li>total: 3 433 396.
     * </ul>
     */
    @Test
    void cifarConfigHasThePapersParameterCount() {
        UrlSomConfig config = UrlSomTestConfigs.load("url_som_cifar-10.yaml");
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            UrlSomNet net = UrlSomNet.builder().setConfig(config).build();
            net.initialize(manager);
            assertThat(net.trainableParameterCount()).isEqualTo(3_433_396L);
            assertThat(net.trainableParameterCount("projection.")).isEqualTo(231_300L);
            assertThat(net.trainableParameterCount("backbone.")).isEqualTo(3_202_096L);
            assertThat(net.trainableParameterCount("backbone.stage3.")).isEqualTo(3_075_584L);
        }
    }

    @Test
    void grayInputOnlyShrinksTheStem() {
        UrlSomConfig config = UrlSomTestConfigs.load("url_som_mnist.yaml");
        try (NDManager manager = NDManager.newBaseManager()) {
            UrlSomNet net = UrlSomNet.builder().setConfig(config).build();
            net.initialize(manager);
            assertThat(net.trainableParameterCount()).isEqualTo(3_433_396L - 2 * 16 * 9);
        }
    }

    @Test
    void parametersHaveStableNamesAndRunningStatisticsAreKept() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UrlSomNet net = UrlSomNet.builder().setConfig(UrlSomTestConfigs.tiny()).build();
            net.initialize(manager);
            Map<String, Parameter> named = net.namedParameters();
            assertThat(named).containsKeys("backbone.stem.conv.weight", "backbone.stem.bn.gamma",
                    "backbone.stem.bn.beta", "backbone.stem.bn.running_mean", "backbone.stem.bn.running_var",
                    "backbone.stage1.block0.conv1.weight", "backbone.stage1.block0.bn1.gamma",
                    "backbone.stage1.block0.bn2.running_var", "backbone.stage2.block0.shortcut.conv.weight",
                    "backbone.stage2.block0.shortcut.bn.running_mean", "backbone.stage3.block0.conv2.weight",
                    "projection.weight", "projection.bias");
            assertThat(named).doesNotContainKey("backbone.stage1.block0.shortcut.conv.weight");
            assertThat(named.get("backbone.stem.bn.running_mean").requiresGradient()).isFalse();
            assertThat(named.get("backbone.stem.bn.running_var").getArray().toFloatArray()).containsOnly(1f);
            assertThat(named.get("projection.weight").getArray().getShape()).isEqualTo(new Shape(16, 16));
            assertThat(named.get("backbone.stage2.block0.conv1.weight").getArray().getShape())
                    .isEqualTo(new Shape(8, 4, 3, 3));
            assertThat(named.keySet()).allMatch(k -> k.matches("[a-z0-9_.]+"));
        }
    }

    @Test
    void forwardGivesTheDocumentedShapesOnTinyAndGrayInputs() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            UrlSomNet tiny = UrlSomNet.builder().setConfig(UrlSomTestConfigs.tiny()).build();
            tiny.initialize(manager);
            UrlSomNet.Outputs out = UrlSomNet.Outputs.of(tiny.forward(new ParameterStore(manager, false),
                    new NDList(manager.randomUniform(0f, 1f, new Shape(5, 3, 8, 8))), false));
            assertThat(out.logits().getShape()).isEqualTo(new Shape(5, 16));
            assertThat(out.features().getShape()).isEqualTo(new Shape(5, 16));

            UrlSomNet gray = UrlSomNet.builder().setConfig(UrlSomTestConfigs.load("url_som_mnist.yaml")).build();
            gray.initialize(manager);
            UrlSomNet.Outputs grayOut = UrlSomNet.Outputs.of(gray.forward(new ParameterStore(manager, false),
                    new NDList(manager.randomUniform(0f, 1f, new Shape(2, 1, 28, 28))), false));
            assertThat(grayOut.logits().getShape()).isEqualTo(new Shape(2, 900));
            assertThat(grayOut.features().getShape()).isEqualTo(new Shape(2, 256));
            float[] rowSums = grayOut.probabilities().sum(new int[] {1}).toFloatArray();
            for (float sum : rowSums) {
                assertThat(sum).isBetween(0.9999f, 1.0001f);
            }
        }
    }

    /**
     * The network runs its backbone channels-last and smooths the map with the kernel's matrix, and inference
     * folds every batch norm into its convolution; each only changes the order of float sums. On the CIFAR-10 config
     * with batch-norm statistics and affine parameters far from their initial values, the logits and features equal
     * a plain layer-by-layer evaluation (NCHW, batch norm as its own layer, global average pooling as a mean, the
     * kernel as a convolution) within 1e-5 of their scale, in inference and in training mode.
     */
    @Test
    void inferenceEqualsTheLayerByLayerNetwork() {
        UrlSomConfig config = UrlSomTestConfigs.load("url_som_cifar-10.yaml");
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            UrlSomNet net = UrlSomNet.builder().setConfig(config).build();
            net.initialize(manager);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray images = manager.randomUniform(0f, 1f, new Shape(4, 3, 32, 32));
            try (Autograd off = Autograd.off()) {
                for (var e : net.namedParameters().entrySet()) {
                    NDArray p = e.getValue().getArray();
                    String name = e.getKey();
                    if (name.endsWith("running_var") || name.endsWith("gamma")) {
                        p.set(manager.randomUniform(0.5f, 2f, p.getShape()).toFloatArray());
                    } else if (name.endsWith("running_mean") || name.endsWith("beta")) {
                        p.set(manager.randomNormal(0f, 0.5f, p.getShape(), DataType.FLOAT32).toFloatArray());
                    }
                }
                UrlSomNet.Outputs fast = UrlSomNet.Outputs.of(net.forward(ps, new NDList(images), false));
                NDArray features = layerByLayer(net.backbone(), ps, images, false);
                NDArray map = layer(net.projection(), "projection", ps, features, false);
                NDArray logits = new MapKernel.Operator(net.projection().kernel(), 30, 30, false).apply(map);
                assertCloseRelative(fast.features().toFloatArray(), features.toFloatArray(), 1e-5);
                assertCloseRelative(fast.logits().toFloatArray(), logits.toFloatArray(), 1e-5);
                // Training mode normalises with the batch's statistics, so both passes see the same.
                NDArray trained = UrlSomNet.Outputs.of(net.forward(ps, new NDList(images), true)).features();
                assertCloseRelative(trained.toFloatArray(), layerByLayer(net.backbone(), ps, images, true)
                        .toFloatArray(), 1e-5);
            }
        }
    }

    /** The backbone's pass as separate DJL layers in NCHW. */
    private static NDArray layerByLayer(ResNetBackbone backbone, ParameterStore ps, NDArray images, boolean training) {
        NDArray x = elu(layer(backbone, "stem_bn", ps, layer(backbone, "stem_conv", ps, images, training), training));
        for (var pair : backbone.getChildren()) {
            if (pair.getValue() instanceof BasicBlock block) {
                NDArray y = elu(layer(block, "bn1", ps, layer(block, "conv1", ps, x, training), training));
                y = layer(block, "bn2", ps, layer(block, "conv2", ps, y, training), training);
                NDArray shortcut = child(block, "shortcut_conv") == null ? x
                        : layer(block, "shortcut_bn", ps, layer(block, "shortcut_conv", ps, x, training), training);
                x = elu(y.add(shortcut));
            }
        }
        Shape shape = x.getShape();
        return x.reshape(shape.get(0), shape.get(1), -1).mean(new int[] {2});
    }

    private static NDArray layer(Block parent, String name, ParameterStore ps, NDArray x, boolean training) {
        return child(parent, name).forward(ps, new NDList(x), training).singletonOrThrow();
    }

    private static NDArray elu(NDArray x) {
        return Activation.elu(x, 1f);
    }

    /** The child block registered under {@code name} (DJL prefixes a running number), null when there is none. */
    private static Block child(Block parent, String name) {
        for (var pair : parent.getChildren()) {
            if (pair.getKey().endsWith(name) && pair.getKey().length() == name.length() + 2) {
                return pair.getValue();
            }
        }
        return null;
    }

    private static void assertCloseRelative(float[] actual, float[] expected, double tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        double scale = 0;
        double gap = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            gap = Math.max(gap, Math.abs(actual[i] - expected[i]));
        }
        assertThat(scale).isGreaterThan(0);
        assertThat(gap / scale).isLessThan(tolerance);
    }

    @Test
    void sameSeedGivesTheSameInitialisation() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[][] weights = new float[2][];
            for (int run = 0; run < 2; run++) {
                Engine.getInstance().setRandomSeed(9);
                UrlSomNet net = UrlSomNet.builder().setConfig(UrlSomTestConfigs.tiny()).build();
                net.initialize(manager);
                weights[run] = net.namedParameters().get("backbone.stage2.block0.conv1.weight").getArray().toFloatArray();
            }
            assertThat(weights[0]).containsExactly(weights[1]);
        }
    }
}
