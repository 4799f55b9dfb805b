package io.vitsom.model.vae;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class VaeNetTest {

    /**
     * The Fashion-MNIST config, counted per layer (conv weights [out, in, 4, 4], transposed [in, out, 4, 4]):
     * <ul>
     *   <li>encoder.conv0 1 -> 32: 32 * 16 + 32 = 544; encoder.conv1 32 -> 64: 64 * 32 * 16 + 64 = 32 832;
     *   <li>flattened 64 * 7 * 7 = 3 136; mu and logvar: 3 136 * 32 + 32 = 100 384 each;
     *   <li>decoder.linear 32 -> 3 136: 32 * 3 136 + 3 136 = 103 488;
     *   <li>decoder.deconv0 64 -> 32: 64 * 32 * 16 + 32 = 32 800; decoder.deconv1 32 -> 1: 32 * 16 + 1 = 513;
     *   <li>total 544 + 32 832 + 2 * 100 384 + 103 488 + 32 800 + 513 = 370 945.
     * </ul>
     */
    @Test
    void fmnistConfigHasThePinnedParameterCount() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VaeNet net = new VaeNet(VaeTestConfigs.fmnist());
            net.initialize(manager);
            assertThat(net.trainableParameterCount("encoder.")).isEqualTo(544 + 32_832);
            assertThat(net.trainableParameterCount("mu.")).isEqualTo(100_384);
            assertThat(net.trainableParameterCount("logvar.")).isEqualTo(100_384);
            assertThat(net.trainableParameterCount("decoder.linear.")).isEqualTo(103_488);
            assertThat(net.trainableParameterCount("decoder.deconv")).isEqualTo(32_800 + 513);
            assertThat(net.trainableParameterCount("")).isEqualTo(370_945);
            assertThat(net.namedParameters().keySet()).containsExactly("encoder.conv0.weight", "encoder.conv0.bias",
                    "encoder.conv1.weight", "encoder.conv1.bias", "mu.weight", "mu.bias", "logvar.weight",
                    "logvar.bias", "decoder.linear.weight", "decoder.linear.bias", "decoder.deconv0.weight",
                    "decoder.deconv0.bias", "decoder.deconv1.weight", "decoder.deconv1.bias");
        }
    }

    @Test
    void forwardGivesPixelLogitsAndTheBoundedPosteriorAndDecodeGivesImagesInTheUnitInterval() {
        VaeConfig config = VaeTestConfigs.tiny();
        try (NDManager manager = NDManager.newBaseManager()) {
            VaeNet net = new VaeNet(config);
            net.initialize(manager);
            NDList in = new NDList(manager.create(VaeTestConfigs.corners(5, 1), new Shape(5, 1, 8, 8)),
                    manager.randomNormal(new Shape(5, 3)));
            VaeNet.Outputs out = VaeNet.Outputs.of(net.forward(new ParameterStore(manager, false), in, false));
            assertThat(out.logits().getShape()).isEqualTo(new Shape(5, 1, 8, 8));
            assertThat(out.mu().getShape()).isEqualTo(new Shape(5, 3));
            assertThat(out.logvar().getShape()).isEqualTo(new Shape(5, 3));
            for (float v : out.logvar().toFloatArray()) {
                assertThat(v).isBetween(-VaeNet.LOGVAR_BOUND, VaeNet.LOGVAR_BOUND);
            }
            NDArray images = net.decode(new ParameterStore(manager, false), manager.randomNormal(new Shape(5, 3)), false);
            assertThat(images.getShape()).isEqualTo(new Shape(5, 1, 8, 8));
            for (float v : images.toFloatArray()) {
                assertThat(v).isStrictlyBetween(0f, 1f);
            }
        }
    }
}
