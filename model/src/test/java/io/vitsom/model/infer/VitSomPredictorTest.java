package io.vitsom.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.nn.VitSom;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VitSomPredictorTest {
    private static final String TINY = """
            hyperparameters:
              model_arch: vit_som
              total_epochs: 2
              batch_size: 8
              gamma: 0.005
              som: {map_size: [5, 6], Tmax: 2, Tmin: 0.1, distance_fcn: euclidean, topology: square, use_reduced: false}
              vit: {patch_size: 2, emb_dim: 8, depth: 1, dec_emb_dim: 4, dec_depth: 1, heads: 2, mlp_ratio: 2,
                    qkv_bias: true, qk_norm: false, proj_drop: 0.0, attn_drop: 0.0, drop_path: 0.0, global_pool: false}
              optimizer: {type: adamw, lr: 0.01, min_lr: 0.00001, beta_1: 0.9, beta_2: 0.999,
                          scheduler: cosine_annealing, warmup_epochs: 1, weight_decay: 0.05, layer_decay: 0.75,
                          smoothing: 0.1}
            data: {dataset: synthetic, num_classes: 0, num_channels: 1, input_size: 8}
            """;

    private static float[] images(int batch, long seed) {
        Random random = new Random(seed);
        float[] x = new float[batch * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(256) / 255f;
        }
        return x;
    }

    @Test
    void bmusEqualTheArgminAndSecondArgminOfTheDistanceMatrix() {
        VitSomConfig config = ConfigLoader.parse(TINY, "tiny");
        int batch = 37;
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            VitSom model = VitSom.builder().setConfig(config).build();
            model.initialize(manager);
            VitSomPredictor predictor = new VitSomPredictor(model, manager);
            float[] x = images(batch, 11);

            Assignments assignments = predictor.bmus(x, batch);
            float[][] distances = predictor.distances(x, batch);

            assertThat(assignments.size()).isEqualTo(batch);
            for (int i = 0; i < batch; i++) {
                float[] row = distances[i];
                int best = 0;
                for (int j = 1; j < row.length; j++) {
                    if (row[j] < row[best]) {
                        best = j;
                    }
                }
                int second = best == 0 ? 1 : 0;
                for (int j = 0; j < row.length; j++) {
                    if (j != best && row[j] < row[second]) {
                        second = j;
                    }
                }
                assertThat(assignments.bmu()[i]).as("bmu of image %d", i).isEqualTo(best);
                assertThat(assignments.distance()[i]).as("distance of image %d", i).isEqualTo(row[best]);
                assertThat(assignments.secondBmu()[i]).as("second bmu of image %d", i).isEqualTo(second);
            }
            assertThat(assignments.bmu()).as("a random model still spreads 37 images over several units")
                    .matches(bmu -> java.util.Arrays.stream(bmu).distinct().count() > 1);
        }
    }

    @Test
    void bmusRejectsABatchOfTheWrongSizeNamingTheExpectedShape() {
        VitSomConfig config = ConfigLoader.parse(TINY, "tiny");
        try (NDManager manager = NDManager.newBaseManager()) {
            VitSom model = VitSom.builder().setConfig(config).build();
            model.initialize(manager);
            VitSomPredictor predictor = new VitSomPredictor(model, manager);

            assertThatThrownBy(() -> predictor.bmus(new float[3 * 64 + 1], 3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("3 images of 1x8x8");
            assertThat(predictor.bmus(new float[0], 0).size()).isZero();
        }
    }
}
