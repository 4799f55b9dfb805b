package io.vitsom.model.baselines.somvae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class SomVaeBlocksTest {
    private static List<Float> boxed(float[] values) {
        List<Float> out = new java.util.ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }

    @Test
    void everyBlockProducesTheDocumentedShapes() {
        SomVaeConfig config = SomVaeConfig.defaults();
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            SomVae model = SomVae.builder().setConfig(config).build();
            model.initialize(manager);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray x = manager.randomUniform(0f, 1f, new Shape(3, 784));

            NDArray zE = model.encoder().forward(ps, new NDList(x), false).singletonOrThrow();
            assertThat(zE.getShape()).isEqualTo(new Shape(3, 64));
            assertThat(boxed(zE.toFloatArray())).allMatch(v -> v >= 0f); // ReLU on z_e, as the reference
            NDArray xq = model.decoderQ().forward(ps, new NDList(zE), false).singletonOrThrow();
            assertThat(xq.getShape()).isEqualTo(new Shape(3, 784));
            assertThat(boxed(xq.toFloatArray())).allMatch(v -> v > 0f && v < 1f); // sigmoid output
            NDArray d = model.som().forward(ps, new NDList(zE), false).singletonOrThrow();
            assertThat(d.getShape()).isEqualTo(new Shape(3, 64));

            SomVae.Outputs out = SomVae.Outputs.of(model.forward(ps, new NDList(x), false));
            assertThat(out.zE().getShape()).isEqualTo(new Shape(3, 64));
            assertThat(out.zQ().getShape()).isEqualTo(new Shape(3, 64));
            assertThat(out.distances().getShape()).isEqualTo(new Shape(3, 64));
            assertThat(out.reconstructionQ().getShape()).isEqualTo(new Shape(3, 784));
            assertThat(out.reconstructionE().getShape()).isEqualTo(new Shape(3, 784));
            assertThat(out.bmus().getShape()).isEqualTo(new Shape(3));
            assertThat(model.getOutputShapes(new Shape[] {new Shape(3, 784)})).containsExactly(new Shape(3, 64),
                    new Shape(3, 64), new Shape(3, 64), new Shape(3, 784), new Shape(3, 784), new Shape(3));

            // z_q is the BMU's embedding row.
            long[] bmus = out.bmus().toLongArray();
            float[] e = model.som().embeddings().getArray().toFloatArray();
            float[] zQ = out.zQ().toFloatArray();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 64; j++) {
                    assertThat(zQ[i * 64 + j]).isEqualTo(e[(int) bmus[i] * 64 + j]);
                }
            }
            // Images [B, 1, 28, 28] are flattened.
            SomVae.Outputs images = SomVae.Outputs.of(model.forward(ps, new NDList(x.reshape(3, 1, 28, 28)), false));
            assertThat(images.distances().toFloatArray()).containsExactly(out.distances().toFloatArray());
        }
    }

    @Test
    void referenceArchitectureHasTheHandCountedParameters() {
        // Encoder 784-256-128-64: 784*256+256 = 200,960; 256*128+128 = 32,896; 128*64+64 = 8,256 -> 242,112.
        // Each decoder 64-128-256-784: 64*128+128 = 8,320; 128*256+256 = 33,024; 256*784+784 = 201,488 -> 242,832.
        // Embeddings 8*8*64 = 4,096. Total 242,112 + 2 * 242,832 + 4,096 = 731,872.
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            SomVae model = SomVae.builder().setConfig(SomVaeConfig.defaults()).build();
            model.initialize(manager);
            assertThat(model.parameterCount()).isEqualTo(731_872L);
            assertThat(model.namedParameters().keySet()).containsExactly(
                    "encoder_0.weight", "encoder_0.bias", "encoder_1.weight", "encoder_1.bias",
                    "encoder_2.weight", "encoder_2.bias",
                    "decoder_q_2.weight", "decoder_q_2.bias", "decoder_q_1.weight", "decoder_q_1.bias",
                    "decoder_q_0.weight", "decoder_q_0.bias",
                    "decoder_e_2.weight", "decoder_e_2.bias", "decoder_e_1.weight", "decoder_e_1.bias",
                    "decoder_e_0.weight", "decoder_e_0.bias", "SOM.embeddings");
            assertThat(model.namedParameters().get("decoder_q_2.weight").getArray().getShape())
                    .isEqualTo(new Shape(128, 64));
            // Separate decoders: different initial weights.
            assertThat(model.namedParameters().get("decoder_q_0.weight").getArray().toFloatArray())
                    .isNotEqualTo(model.namedParameters().get("decoder_e_0.weight").getArray().toFloatArray());
            // Truncated normal(0.05): nothing beyond two standard deviations, spread near 0.05.
            float[] e = model.som().embeddings().getArray().toFloatArray();
            assertThat(boxed(e)).allMatch(v -> Math.abs(v) <= 0.1f + 1e-6f);
            double sq = 0;
            for (float v : e) {
                sq += v * v;
            }
            assertThat(Math.sqrt(sq / e.length)).isBetween(0.035, 0.05);
        }
    }

    @Test
    void gridNeighboursFollowTheReferenceOrderAndEdges() {
        // 3 rows x 4 cols, node k at (k / 4, k % 4); order up (row+1), down (row-1), right (col+1), left (col-1).
        SomVaeSomLayer som = new SomVaeSomLayer(3, 4, 2);
        assertThat(som.neighbours(0)).containsExactly(4, -1, 1, -1);
        assertThat(som.neighbours(5)).containsExactly(9, 1, 6, 4);
        assertThat(som.neighbours(11)).containsExactly(-1, 7, -1, 10);
        assertThat(som.neighbours(3)).containsExactly(7, -1, -1, 2);
        assertThat(som.missingNeighbours(new long[] {0, 5, 11})).containsExactly(2f, 0f, 2f);
        float[] mask = som.neighbourhoodMask(new long[] {5});
        assertThat(mask).containsExactly(0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0);
        assertThat(som.oneHot(new long[] {2, 0})).containsExactly(0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThatThrownBy(() -> som.oneHot(new long[] {12})).hasMessageContaining("BMU");
    }

    @Test
    void builderRequiresAConfig() {
        assertThatThrownBy(() -> SomVae.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setConfig");
        assertThat(SomVae.builder().setConfig(SomVaeConfig.defaults().withEncoderDims(List.of(6, 3))).build()
                .config().latentDim()).isEqualTo(3);
    }
}
