package io.vitsom.model.baselines.somvae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.vitsom.model.GcChurn;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SomVaeTrainerTest {
    /** Dims [3, 2] (latent dim 2), a 2x2 grid, alpha 1, beta 0.9, gradient copying on, batch 2. */
    private static final SomVaeConfig HAND = new SomVaeConfig(List.of(3, 2), 2, 2, 1.0, 0.9, true, 5e-4, 0.9, 1000,
            2, 1, 0.9, 0.999);

    /** Two inputs x1 = (1, 2, 0.5), x2 = (3, -1, 1). */
    private static final float[] HAND_X = {1, 2, 0.5f, 3, -1, 1};
    private static final double[][] X = {{1, 2, 0.5}, {3, -1, 1}};

    /**
     * Hand-set weights (DJL layout [out, in]):
     * <pre>
     * encoder_0 (3->2, ReLU): W = [[1,0,0],[0,1,0]], b = 0    -> pre1 = (1,2), pre2 = (3,-1); z_e1 = (1,2), z_e2 = (3,0)
     * embeddings, node k at (row, col) = (k / 2, k % 2): e0 = (0,0), e1 = (1,1), e2 = (3,0), e3 = (2,3)
     * decoder_q_0 (2->3, sigmoid): W = [[1,0],[0,1],[1,-1]], b = 0
     * decoder_e_0 (2->3, sigmoid): W = [[0,1],[1,0],[0,0]], b = (0,0,0.5)
     * </pre>
     * {@code zeroDecoders} sets both decoder weights to 0, so the reconstructions send no gradient to z.
     */
    private static void setHandWeights(SomVae model, boolean zeroDecoderE, boolean zeroDecoderQ) {
        Map<String, float[]> values = new LinkedHashMap<>();
        values.put("encoder_0.weight", new float[] {1, 0, 0, 0, 1, 0});
        values.put("encoder_0.bias", new float[] {0, 0});
        values.put("decoder_q_0.weight", zeroDecoderQ ? new float[6] : new float[] {1, 0, 0, 1, 1, -1});
        values.put("decoder_q_0.bias", new float[] {0, 0, 0});
        values.put("decoder_e_0.weight", zeroDecoderE ? new float[6] : new float[] {0, 1, 1, 0, 0, 0});
        values.put("decoder_e_0.bias", new float[] {0, 0, 0.5f});
        values.put("SOM.embeddings", new float[] {0, 0, 1, 1, 3, 0, 2, 3});
        assertThat(values.keySet()).isEqualTo(model.namedParameters().keySet());
        values.forEach((name, v) -> model.namedParameters().get(name).getArray().set(FloatBuffer.wrap(v)));
    }

    private static SomVae handModel(SomVaeConfig config, NDManager manager, boolean zeroDecoderE,
                                    boolean zeroDecoderQ) {
        SomVae model = SomVae.builder().setConfig(config).build();
        model.initialize(manager);
        setHandWeights(model, zeroDecoderE, zeroDecoderQ);
        return model;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    @Test
    void lossTermsMatchTheHandComputedCase() {
        // Distances: z_e1 = (1,2) to (e0..e3) = (5, 1, 8, 2) -> BMU 1; z_e2 = (3,0): (9, 5, 0, 10) -> BMU 2.
        // z_q1 = e1 = (1,1), z_q2 = e2 = (3,0).
        // Commitment: ((1-1)^2 + (2-1)^2 + 0 + 0) / (2*2) = 0.25.
        // SOM (stack [BMU, up (row+1), down (row-1), right (col+1), left (col-1)], zero vector off the grid):
        //   node 1 at (0,1): [e1, e3, 0, 0, e0]; ||z1 - .||^2 = 1, 2, 5, 5, 5 -> 18
        //   node 2 at (1,0): [e2, 0, e0, e3, 0]; ||z2 - .||^2 = 0, 9, 9, 10, 9 -> 37
        //   (18 + 37) / (2 * 5 * 2) = 2.75.
        // z_q reconstruction: pre = W_q z_q: (1,1,0), (3,0,3) -> sigmoid (0.7310586, 0.7310586, 0.5),
        //   (0.9525741, 0.5, 0.9525741); MSE over 6 values = 1.3544573.
        // z_e reconstruction: pre = W_e z_e + b: (2,1,0.5), (0,3,0.5) -> (0.8807971, 0.7310586, 0.6224593),
        //   (0.5, 0.9525741, 0.6224593); MSE = 1.9740834.
        // Total = 1.3544573 + 1.9740834 + 1.0 * 0.25 + 0.9 * 2.75 = 6.0535407.
        double[][] rq = {{sigmoid(1), sigmoid(1), sigmoid(0)}, {sigmoid(3), sigmoid(0), sigmoid(3)}};
        double[][] re = {{sigmoid(2), sigmoid(1), sigmoid(0.5)}, {sigmoid(0), sigmoid(3), sigmoid(0.5)}};
        double mseQ = 0;
        double mseE = 0;
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                mseQ += (rq[i][j] - X[i][j]) * (rq[i][j] - X[i][j]) / 6;
                mseE += (re[i][j] - X[i][j]) * (re[i][j] - X[i][j]) / 6;
            }
        }
        assertThat(mseQ).isCloseTo(1.3544573, within(1e-7));
        assertThat(mseE).isCloseTo(1.9740834, within(1e-7));
        for (boolean copying : new boolean[] {true, false}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SomVae model = handModel(HAND.withGradientCopying(copying), manager, false, false);
                try (SomVaeTrainer trainer = new SomVaeTrainer(model, manager)) {
                    SomVaeStepResult r = trainer.step(HAND_X, 2);
                    assertThat(r.step()).isZero();
                    assertThat(r.learningRate()).isEqualTo(5e-4);
                    assertThat(r.bmus()).containsExactly(1, 2);
                    assertThat(r.reconstructionQ()).isCloseTo(mseQ, within(1e-5));
                    assertThat(r.reconstructionE()).isCloseTo(mseE, within(1e-5));
                    assertThat(r.reconstruction()).isCloseTo(mseQ + mseE, within(1e-5));
                    assertThat(r.commitment()).isCloseTo(0.25, within(1e-5));
                    assertThat(r.som()).isCloseTo(2.75, within(1e-5));
                    assertThat(r.total()).isCloseTo(mseQ + mseE + 0.25 + 0.9 * 2.75, within(1e-5));
                    assertThat(r.total()).isCloseTo(6.0535407, within(1e-5));
                    assertThat(trainer.stepCount()).isEqualTo(1);
                }
            }
        }
    }

    private static Map<String, float[]> gradients(SomVaeConfig config, boolean zeroDecoderE, boolean zeroDecoderQ) {
        Map<String, float[]> grads = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            SomVae model = handModel(config, manager, zeroDecoderE, zeroDecoderQ);
            try (SomVaeTrainer trainer = new SomVaeTrainer(model, manager)) {
                trainer.optimizer().setGradientObserver((name, g) -> grads.put(name, g.toFloatArray()));
                trainer.step(HAND_X, 2);
            }
        }
        return grads;
    }

    /**
     * dL/dz_q of the z_q reconstruction alone: {@code W_q^T [2/(B*3) (x_hat_q - x) * s(1 - s)]}, one row per input
     * (z_q1 = (1,1), z_q2 = (3,0), W_q = [[1,0],[0,1],[1,-1]]).
     */
    private static double[][] reconstructionQGradientAtZq() {
        double[][] pre = {{1, 1, 0}, {3, 0, 3}};
        double[][] wq = {{1, 0}, {0, 1}, {1, -1}};
        double[][] out = new double[2][2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                double s = sigmoid(pre[i][j]);
                double dPre = 2.0 / 6 * (s - X[i][j]) * s * (1 - s);
                for (int l = 0; l < 2; l++) {
                    out[i][l] += wq[j][l] * dPre;
                }
            }
        }
        return out;
    }

    @Test
    void gradientCopyingSendsTheZqDecoderGradientToTheEncoder() {
        // Only the z_q reconstruction matters: alpha = beta = 0 and decoder_e's weights are 0, so its
        // reconstruction sends no gradient to z_e. ReLU masks: pre1 = (1,2) -> (1,1), pre2 = (3,-1) -> (1,0).
        // With copying: dL/dz_e_i = g_i (the dL/dz_q above), encoder bias grad = sum_i g_i * mask_i,
        // encoder weight grad = sum_i (g_i * mask_i) x_i^T; the embeddings get nothing (z_q enters through sg only).
        // Without copying (the reference code): the encoder gets nothing, e_bmu(i) gets g_i.
        SomVaeConfig onlyReconstruction = HAND.withLossWeights(0, 0);
        double[][] g = reconstructionQGradientAtZq();
        double[][] mask = {{1, 1}, {1, 0}};
        float[] bias = new float[2];
        float[] weight = new float[6];
        for (int i = 0; i < 2; i++) {
            for (int l = 0; l < 2; l++) {
                bias[l] += (float) (g[i][l] * mask[i][l]);
                for (int c = 0; c < 3; c++) {
                    weight[l * 3 + c] += (float) (g[i][l] * mask[i][l] * X[i][c]);
                }
            }
        }
        Map<String, float[]> copied = gradients(onlyReconstruction, true, false);
        assertThat(copied.get("encoder_0.bias")).containsExactly(bias, within(1e-6f));
        assertThat(copied.get("encoder_0.weight")).containsExactly(weight, within(1e-6f));
        assertThat(bias[0]).isNotZero();
        assertThat(copied.get("SOM.embeddings")).containsOnly(0f);

        Map<String, float[]> reference = gradients(onlyReconstruction.withGradientCopying(false), true, false);
        assertThat(reference.get("encoder_0.bias")).containsOnly(0f);
        assertThat(reference.get("encoder_0.weight")).containsOnly(0f);
        float[] embeddings = {0, 0, (float) g[0][0], (float) g[0][1], (float) g[1][0], (float) g[1][1], 0, 0};
        assertThat(reference.get("SOM.embeddings")).containsExactly(embeddings, within(1e-6f));
        // The decoder's own gradient is the same either way (same forward values).
        assertThat(reference.get("decoder_q_0.weight")).containsExactly(copied.get("decoder_q_0.weight"),
                within(1e-7f));
    }

    @Test
    void somLossSendsGradientToTheEmbeddingsOnly() {
        // alpha = 0, beta = 0.9, both decoders' weights 0: only the SOM term can reach z_e, and sg(z_e) stops it.
        // dL/de_k = beta * 2 / (B*5*D) * sum over stacks holding e_k of (e_k - z_i), with beta*2/20 = 0.09:
        //   e0 in both stacks: (0,0)-(1,2) + (0,0)-(3,0) = (-4,-2) -> (-0.36, -0.18)
        //   e1 (z1's BMU): (1,1)-(1,2) = (0,-1) -> (0, -0.09);  e2 (z2's BMU): (3,0)-(3,0) = 0
        //   e3 in both: (2,3)-(1,2) + (2,3)-(3,0) = (0,4) -> (0, 0.36). The zero vectors have no parameter.
        Map<String, float[]> som = gradients(HAND.withLossWeights(0, 0.9), true, true);
        assertThat(som.get("SOM.embeddings")).containsExactly(new float[] {-0.36f, -0.18f, 0, -0.09f, 0, 0, 0, 0.36f},
                within(1e-6f));
        assertThat(som.get("encoder_0.weight")).containsOnly(0f);
        assertThat(som.get("encoder_0.bias")).containsOnly(0f);

        // Contrast: the commitment term (no stop-gradient) does reach the encoder.
        // dL/dz_e_i = 2/(B*D) (z_e_i - z_q_i) = 0.5 * ((0,1), (0,0)); masked and summed -> bias grad (0, 0.5);
        // dL/de1 = 0.5 * (z_q1 - z_e1) = (0, -0.5).
        Map<String, float[]> commit = gradients(HAND.withLossWeights(1, 0), true, true);
        assertThat(commit.get("encoder_0.bias")).containsExactly(new float[] {0, 0.5f}, within(1e-6f));
        assertThat(commit.get("encoder_0.weight")).containsExactly(new float[] {0, 0, 0, 0.5f, 1f, 0.25f},
                within(1e-6f));
        assertThat(commit.get("SOM.embeddings")).containsExactly(new float[] {0, 0, 0, -0.5f, 0, 0, 0, 0},
                within(1e-6f));
    }

    @Test
    void predictorReturnsTheHandCodesAndBmus() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SomVae model = handModel(HAND, manager, false, false);
            SomVaePredictor predictor = new SomVaePredictor(model, manager);
            SomVaePredictor.Assignments a = predictor.predict(HAND_X, 2);
            assertThat(a.bmus()).containsExactly(1, 2);
            assertThat(a.bmuDistances()).containsExactly(new float[] {1f, 0f}, within(1e-6f));
            assertThat(a.codes()).containsExactly(new float[] {1, 2, 3, 0}, within(1e-6f));
            assertThat(a.code(1)).containsExactly(new float[] {3, 0}, within(1e-6f));
            assertThat(predictor.bmus(HAND_X, 2)).containsExactly(1, 2);
            assertThatThrownBy(() -> predictor.predict(new float[5], 2)).hasMessageContaining("(6)");
        }
    }

    /** Dims [16, 8, 4], a 3x3 grid, a larger learning rate so that a few steps show. */
    private static final SomVaeConfig SMALL = new SomVaeConfig(List.of(16, 8, 4), 3, 3, 1.0, 0.9, true, 1e-2, 0.9,
            1000, 16, 1, 0.9, 0.999);

    /** Four noisy clusters in 16 dimensions, values near 0 and 1 (the sigmoid output's range). */
    private static float[] clusters(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * 16];
        for (int i = 0; i < n; i++) {
            int c = i % 4;
            for (int j = 0; j < 16; j++) {
                x[i * 16 + j] = Math.min(1f, Math.max(0f, (j / 4 == c ? 0.9f : 0.1f)
                        + 0.05f * (float) random.nextGaussian()));
            }
        }
        return x;
    }

    @Test
    void aFewStepsLowerTheLoss() {
        float[] x = clusters(16, 3);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            SomVae model = SomVae.builder().setConfig(SMALL).build();
            model.initialize(manager);
            try (SomVaeTrainer trainer = new SomVaeTrainer(model, manager)) {
                SomVaeStepResult first = trainer.step(x, 16);
                SomVaeStepResult last = first;
                for (int i = 1; i < 100; i++) {
                    last = trainer.step(x, 16);
                }
                assertThat(last.step()).isEqualTo(99);
                // Seen: total 0.330 -> 0.193, reconstruction 0.324 -> 0.169 after 100 steps.
                assertThat(last.total()).isLessThan(0.7 * first.total());
                assertThat(last.reconstruction()).isLessThan(0.7 * first.reconstruction());
                assertThat(last.bmus()).hasSize(16);
                assertThat(Arrays.stream(last.bmus()).allMatch(b -> b >= 0 && b < 9)).isTrue();
                assertThat(trainer.optimizer().stepCount()).isEqualTo(100);
            }
        }
    }

    @Test
    void learningRateFollowsTheStaircase() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            SomVae model = SomVae.builder().setConfig(SMALL.withLearningRate(1e-2, 0.5, 2)).build();
            model.initialize(manager);
            try (SomVaeTrainer trainer = new SomVaeTrainer(model, manager)) {
                float[] x = clusters(16, 12);
                double[] rates = new double[5];
                for (int i = 0; i < 5; i++) {
                    rates[i] = trainer.step(x, 16).learningRate();
                }
                assertThat(rates).containsExactly(1e-2, 1e-2, 5e-3, 5e-3, 2.5e-3);
                trainer.setStepCount(0);
                assertThat(trainer.step(x, 16).learningRate()).isEqualTo(1e-2);
            }
        }
    }

    private static Map<String, float[]> parametersAfterOneStep(boolean gcBeforeBackward) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            SomVae model = SomVae.builder().setConfig(SMALL).build();
            model.initialize(manager);
            try (SomVaeTrainer trainer = new SomVaeTrainer(model, manager)) {
                trainer.step(clusters(16, 8), 16, gcBeforeBackward ? GcChurn::collectGarbage : () -> { });
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            model.namedParameters().forEach((name, p) -> out.put(name, p.getArray().toFloatArray()));
            return out;
        }
    }

    @Test
    void garbageCollectionBetweenForwardAndBackwardDoesNotChangeTheUpdate() {
        Map<String, float[]> plain = parametersAfterOneStep(false);
        Map<String, float[]> withGc = parametersAfterOneStep(true);
        assertThat(withGc.keySet()).isEqualTo(plain.keySet());
        plain.forEach((name, values) -> assertThat(withGc.get(name)).as(name).containsExactly(values));
    }

    @Test
    void stepsFreeTheirTemporaries() {
        float[] x = clusters(16, 9);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(10);
            SomVae model = SomVae.builder().setConfig(SMALL).build();
            model.initialize(manager);
            try (SomVaeTrainer trainer = new SomVaeTrainer(model, manager)) {
                SomVaePredictor predictor = new SomVaePredictor(model, manager);
                trainer.step(x, 16);
                predictor.predict(x, 16);
                int arrays = manager.getManagedArrays().size();
                for (int i = 0; i < 5; i++) {
                    trainer.step(x, 16);
                    predictor.predict(x, 16);
                }
                assertThat(manager.getManagedArrays().size()).isEqualTo(arrays);
            }
        }
    }

    @Test
    void wrongInputSizeFailsWithTheExpectedCount() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SomVae model = handModel(HAND, manager, false, false);
            try (SomVaeTrainer trainer = new SomVaeTrainer(model, manager)) {
                assertThatThrownBy(() -> trainer.step(new float[7], 2))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(6)");
            }
        }
    }
}
