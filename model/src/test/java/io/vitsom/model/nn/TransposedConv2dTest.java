package io.vitsom.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransposedConv2dTest {

    /**
     * The scatter definition of a transposed convolution, written out: input pixel {@code (i, j)} of channel
     * {@code c} adds {@code x * w[c][o][a][b]} to output pixel {@code (2i - 1 + a, 2j - 1 + b)} (stride 2, padding 1
     * crops one pixel on each side), plus the bias.
     */
    @Test
    void outputEqualsTheScatterDefinition() {
        int in = 2;
        int out = 3;
        int side = 3;
        Random random = new Random(5);
        float[] x = new float[in * side * side];
        float[] w = new float[in * out * 16];
        float[] b = new float[out];
        fill(random, x);
        fill(random, w);
        fill(random, b);
        int outSide = 2 * side;
        float[] expected = new float[out * outSide * outSide];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < outSide * outSide; k++) {
                expected[o * outSide * outSide + k] = b[o];
            }
        }
        for (int c = 0; c < in; c++) {
            for (int i = 0; i < side; i++) {
                for (int j = 0; j < side; j++) {
                    for (int o = 0; o < out; o++) {
                        for (int a = 0; a < 4; a++) {
                            for (int bb = 0; bb < 4; bb++) {
                                int y = 2 * i - 1 + a;
                                int z = 2 * j - 1 + bb;
                                if (y >= 0 && y < outSide && z >= 0 && z < outSide) {
                                    expected[(o * outSide + y) * outSide + z] +=
                                            x[(c * side + i) * side + j] * w[((c * out + o) * 4 + a) * 4 + bb];
                                }
                            }
                        }
                    }
                }
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            TransposedConv2d deconv = new TransposedConv2d(in, out);
            deconv.initialize(manager, DataType.FLOAT32, new Shape(1, in, side, side));
            deconv.weight().getArray().set(w);
            deconv.bias().getArray().set(b);
            NDArray y = deconv.forward(new ParameterStore(manager, false),
                    new NDList(manager.create(x, new Shape(1, in, side, side))), false).singletonOrThrow();
            assertThat(y.getShape()).isEqualTo(new Shape(1, out, outSide, outSide));
            float[] actual = y.toFloatArray();
            for (int k = 0; k < expected.length; k++) {
                assertThat(actual[k]).as("output %d", k).isCloseTo(expected[k], within(1e-5f));
            }
        }
    }

    /** d(sum y)/d bias[o] is the number of output pixels of channel o. */
    @Test
    void gradientsReachTheWeightAndTheBias() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(6);
            TransposedConv2d deconv = new TransposedConv2d(2, 1);
            deconv.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 3, 3));
            deconv.weight().getArray().setRequiresGradient(true);
            deconv.bias().getArray().setRequiresGradient(true);
            NDArray x = manager.randomUniform(0, 1, new Shape(2, 2, 3, 3));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = deconv.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
                collector.backward(y.sum());
            }
            assertThat(deconv.bias().getArray().getGradient().getFloat(0)).isCloseTo(2 * 36f, within(1e-4f));
            assertThat(deconv.weight().getArray().getGradient().abs().sum().getFloat()).isGreaterThan(0f);
        }
    }

    private static void fill(Random random, float[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
    }
}
