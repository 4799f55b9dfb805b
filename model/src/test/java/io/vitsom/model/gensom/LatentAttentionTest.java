package io.vitsom.model.gensom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatentAttentionTest {

    /**
     * Two tokens of width 4, one head, q = k = v = x (qkv weight [I; I; I], no bias) and an identity output
     * projection: token i attends with weights softmax_j(x_i . x_j / sqrt(4)); the block returns
     * LayerNorm(x_i + sum_j a_ij x_j) with weight 1, bias 0, epsilon 1e-6. x1 = (1, 0, 0, 0), x2 = (0, 2, 0, 1):
     * scores x1 (0.5, 0), x2 (0, 2.5).
     */
    @Test
    void outputIsTheNormalisedResidualOfTheSoftmaxWeightedValues() {
        float[][] x = {{1, 0, 0, 0}, {0, 2, 0, 1}};
        float[] expected = new float[8];
        for (int i = 0; i < 2; i++) {
            double s0 = dot(x[i], x[0]) / 2;
            double s1 = dot(x[i], x[1]) / 2;
            double a0 = Math.exp(s0) / (Math.exp(s0) + Math.exp(s1));
            double[] y = new double[4];
            for (int d = 0; d < 4; d++) {
                y[d] = x[i][d] + a0 * x[0][d] + (1 - a0) * x[1][d];
            }
            double mean = (y[0] + y[1] + y[2] + y[3]) / 4;
            double var = 0;
            for (double v : y) {
                var += (v - mean) * (v - mean) / 4;
            }
            for (int d = 0; d < 4; d++) {
                expected[i * 4 + d] = (float) ((y[d] - mean) / Math.sqrt(var + 1e-6));
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            LatentAttention block = new LatentAttention(4, 1);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 4));
            Map<String, Parameter> named = new LinkedHashMap<>();
            block.collectParameters("attn", named);
            assertThat(named.keySet()).containsExactly("attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight",
                    "attn.proj.bias", "attn.norm.weight", "attn.norm.bias");
            float[] qkv = new float[12 * 4];
            for (int r = 0; r < 12; r++) {
                qkv[r * 4 + r % 4] = 1;
            }
            float[] eye = new float[16];
            for (int d = 0; d < 4; d++) {
                eye[d * 4 + d] = 1;
            }
            named.get("attn.qkv.weight").getArray().set(qkv);
            named.get("attn.qkv.bias").getArray().set(new float[12]);
            named.get("attn.proj.weight").getArray().set(eye);
            named.get("attn.proj.bias").getArray().set(new float[4]);
            float[] input = {1, 0, 0, 0, 0, 2, 0, 1};
            for (boolean training : new boolean[] {false, true}) {
                float[] out = block.forward(new ParameterStore(manager, false),
                        new NDList(manager.create(input, new Shape(1, 2, 4))), training).singletonOrThrow()
                        .toFloatArray();
                for (int k = 0; k < 8; k++) {
                    assertThat(out[k]).as("training %s, value %d", training, k).isCloseTo(expected[k], within(1e-5f));
                }
            }
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
