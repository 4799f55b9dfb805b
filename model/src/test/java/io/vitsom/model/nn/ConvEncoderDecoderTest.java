package io.vitsom.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvEncoderDecoderTest {

    @Test
    void encoderHalvesTheSidePerStageForGrayAndColourImages() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            ParameterStore ps = new ParameterStore(manager, false);
            ConvEncoder gray = new ConvEncoder(1, new int[] {32, 64});
            gray.initialize(manager, 28);
            NDArray out = gray.forward(ps, new NDList(manager.randomUniform(0, 1, new Shape(2, 1, 28, 28))), false)
                    .singletonOrThrow();
            assertThat(out.getShape()).isEqualTo(new Shape(2, 64, 7, 7));
            assertThat(out.min().getFloat()).isGreaterThanOrEqualTo(0f);
            assertThat(gray.outChannels()).isEqualTo(64);

            ConvEncoder colour = new ConvEncoder(3, new int[] {32, 64});
            colour.initialize(manager, 32);
            NDArray c = colour.forward(ps, new NDList(manager.randomUniform(0, 1, new Shape(2, 3, 32, 32))), false)
                    .singletonOrThrow();
            assertThat(c.getShape()).isEqualTo(new Shape(2, 64, 8, 8));
            assertThat(colour.getOutputShapes(new Shape[] {new Shape(5, 3, 32, 32)})[0])
                    .isEqualTo(new Shape(5, 64, 8, 8));
        }
    }

    @Test
    void outSideDividesByTwoPerStageAndRejectsSidesThatDoNotDivide() {
        assertThat(ConvEncoder.outSide(28, 2)).isEqualTo(7);
        assertThat(ConvEncoder.outSide(32, 2)).isEqualTo(8);
        assertThat(ConvEncoder.outSide(28, 0)).isEqualTo(28);
        assertThatThrownBy(() -> ConvEncoder.outSide(28, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("28");
        assertThatThrownBy(() -> new ConvEncoder(1, new int[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConvDecoder(32, new int[] {64, 32}, 1, 30))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decoderGivesImagesInTheUnitIntervalForGrayAndColour() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            ParameterStore ps = new ParameterStore(manager, false);
            ConvDecoder gray = new ConvDecoder(32, new int[] {64, 32}, 1, 28);
            gray.initialize(manager);
            NDArray img = gray.forward(ps, new NDList(manager.randomNormal(new Shape(3, 32))), false)
                    .singletonOrThrow();
            assertThat(img.getShape()).isEqualTo(new Shape(3, 1, 28, 28));
            assertThat(img.min().getFloat()).isGreaterThan(0f);
            assertThat(img.max().getFloat()).isLessThan(1f);

            ConvDecoder colour = new ConvDecoder(16, new int[] {64, 32}, 3, 32);
            colour.initialize(manager);
            NDArray c = colour.forward(ps, new NDList(manager.randomNormal(new Shape(2, 16))), false)
                    .singletonOrThrow();
            assertThat(c.getShape()).isEqualTo(new Shape(2, 3, 32, 32));
        }
    }

    /**
     * Counted by hand: encoder 1 -> 32 -> 64 with 4x4 kernels: 1*32*16 + 32 = 544, 32*64*16 + 64 = 32 832;
     * decoder 32 -> 64*7*7 Linear: 32*3 136 + 3 136 = 103 488, deconv 64 -> 32: 64*32*16 + 32 = 32 800,
     * deconv 32 -> 1: 32*16 + 1 = 513.
     */
    @Test
    void parameterCountsAndNamesMatchTheLayers() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ConvEncoder encoder = new ConvEncoder(1, new int[] {32, 64});
            encoder.initialize(manager, 28);
            ConvDecoder decoder = new ConvDecoder(32, new int[] {64, 32}, 1, 28);
            decoder.initialize(manager);
            Map<String, Parameter> named = new LinkedHashMap<>();
            encoder.collectParameters("encoder", named);
            decoder.collectParameters("decoder", named);
            assertThat(named.keySet()).containsExactly("encoder.conv0.weight", "encoder.conv0.bias",
                    "encoder.conv1.weight", "encoder.conv1.bias", "decoder.linear.weight", "decoder.linear.bias",
                    "decoder.deconv0.weight", "decoder.deconv0.bias", "decoder.deconv1.weight",
                    "decoder.deconv1.bias");
            assertThat(count(named, "encoder.")).isEqualTo(544 + 32_832);
            assertThat(count(named, "decoder.")).isEqualTo(103_488 + 32_800 + 513);
            assertThat(named.get("encoder.conv1.weight").getArray().getShape()).isEqualTo(new Shape(64, 32, 4, 4));
        }
    }

    private static long count(Map<String, Parameter> named, String prefix) {
        return named.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(e -> e.getValue().getArray().size()).sum();
    }
}
