package io.vitsom.model.baselines;

import static org.assertj.core.api.Assertions.assertThat;
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

class DesomTrainerTest {
    /** Dims [4, 3, 2], a 2x2 map, T = Tmax = 1 at iteration 0, gamma 0.001. */
    private static final DesomConfig HAND = new DesomConfig(List.of(4, 3, 2), 2, 2, 0.001, 1.0, 0.1, 10, 10, 0, 2,
            1e-3, 0.9, 0.999);

    /** Two inputs x1 = (1, 2, -1, 0.5), x2 = (0, -1, 3, 1). */
    private static final float[] HAND_X = {1, 2, -1, 0.5f, 0, -1, 3, 1};

    /**
     * Hand-set weights (DJL layout [out, in]):
     * <pre>
     * encoder_0 (4->3, ReLU): W = [[1,0,0,0],[0,1,0,0],[0,0,1,0]], b = 0   -> h1 = (1,2,0), h2 = (0,0,3)
     * encoder_1 (3->2, linear): W = [[1,0,1],[0,1,0]], b = 0             -> z1 = (1,2),   z2 = (3,0)
     * decoder_1 (2->3, ReLU): W = [[1,0],[0,1],[1,1]], b = (0,0,-1)      -> g1 = (1,2,2), g2 = (3,0,2)
     * decoder_0 (3->4, linear): W = [[1,0,0],[0,1,0],[0,0,1],[0,0,0]], b = (0,0,0,0.5)
     *                                                                    -> r1 = (1,2,2,0.5), r2 = (3,0,2,0.5)
     * prototypes (units 0..3 at map (0,0), (0,1), (1,0), (1,1)): m0 = (0,0), m1 = (1,1), m2 = (3,0), m3 = (2,3)
     * </pre>
     */
    private static void setHandWeights(Desom model) {
        Map<String, float[]> values = new LinkedHashMap<>();
        values.put("encoder_0.weight", new float[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0});
        values.put("encoder_0.bias", new float[] {0, 0, 0});
        values.put("encoder_1.weight", new float[] {1, 0, 1, 0, 1, 0});
        values.put("encoder_1.bias", new float[] {0, 0});
        values.put("decoder_1.weight", new float[] {1, 0, 0, 1, 1, 1});
        values.put("decoder_1.bias", new float[] {0, 0, -1});
        values.put("decoder_0.weight", new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0});
        values.put("decoder_0.bias", new float[] {0, 0, 0, 0.5f});
        values.put("SOM.prototypes", new float[] {0, 0, 1, 1, 3, 0, 2, 3});
        assertThat(values.keySet()).isEqualTo(model.namedParameters().keySet());
        values.forEach((name, v) -> model.namedParameters().get(name).getArray().set(FloatBuffer.wrap(v)));
    }

    private static Desom handModel(NDManager manager) {
        Desom model = Desom.builder().setConfig(HAND).build();
        model.initialize(manager);
        setHandWeights(model);
        return model;
    }

    @Test
    void lossTermsMatchTheHandComputedCase() {
        // MSE: r1 - x1 = (0,0,3,0) -> 9; r2 - x2 = (3,1,-1,-0.5) -> 11.25; (9 + 11.25) / 8 = 2.53125.
        // Squared distances: z1 = (1,2): (5, 1, 8, 2) -> BMU 1; z2 = (3,0): (9, 5, 0, 10) -> BMU 2.
        // Manhattan map distances from unit 1: (1, 0, 2, 1); from unit 2: (1, 2, 0, 1). T = 1, w = exp(-d^2):
        //   w1 = (e^-1, 1, e^-4, e^-1), w2 = (e^-1, e^-4, 1, e^-1).
        // SOM: sample 1: 5e^-1 + 1 + 8e^-4 + 2e^-1 = 1 + 7e^-1 + 8e^-4; sample 2: 9e^-1 + 5e^-4 + 0 + 10e^-1
        //   mean = (1 + 26 e^-1 + 13 e^-4) / 2 = 5.4014844...; total = 2.53125 + 0.001 * SOM = 2.5366515...
        double e1 = Math.exp(-1);
        double e4 = Math.exp(-4);
        double som = (1 + 26 * e1 + 13 * e4) / 2;
        try (NDManager manager = NDManager.newBaseManager()) {
            Desom model = handModel(manager);
            try (DesomTrainer trainer = new DesomTrainer(model, manager)) {
                DesomStepResult r = trainer.step(HAND_X, 2);
                assertThat(r.iteration()).isZero();
                assertThat(r.temperature()).isEqualTo(1.0);
                assertThat(r.bmus()).containsExactly(1, 2);
                assertThat(r.reconLoss()).isCloseTo(2.53125, within(1e-5));
                assertThat(r.somLoss()).isCloseTo(som, within(1e-5));
                assertThat(r.totalLoss()).isCloseTo(2.53125 + 0.001 * som, within(1e-5));
                assertThat(trainer.iteration()).isEqualTo(1);
            }
        }
    }

    @Test
    void gradientsAreTheHandDerivedOnesWithConstantNeighbourhoodWeights() {
        // Prototypes: dL/dm_k = gamma / B * sum_i w_ik * 2 (m_k - z_i) (no gradient through w, which is constant).
        // decoder_0.bias: dL/db = 2 / (B * D) * sum_i (r_i - x_i) = 2/8 * (3, 1, 2, -0.5) = (0.75, 0.25, 0.5, -0.125).
        double[][] z = {{1, 2}, {3, 0}};
        double[][] m = {{0, 0}, {1, 1}, {3, 0}, {2, 3}};
        double e1 = Math.exp(-1);
        double e4 = Math.exp(-4);
        double[][] w = {{e1, 1, e4, e1}, {e1, e4, 1, e1}};
        float[] expectedPrototypeGrad = new float[8];
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < 2; j++) {
                double g = 0;
                for (int i = 0; i < 2; i++) {
                    g += w[i][k] * 2 * (m[k][j] - z[i][j]);
                }
                expectedPrototypeGrad[k * 2 + j] = (float) (0.001 / 2 * g);
            }
        }
        Map<String, float[]> grads = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            Desom model = handModel(manager);
            try (DesomTrainer trainer = new DesomTrainer(model, manager)) {
                trainer.optimizer().setGradientObserver((name, g) -> grads.put(name, g.toFloatArray()));
                trainer.step(HAND_X, 2);
            }
        }
        assertThat(grads.keySet()).containsExactlyElementsOf(
                List.of("encoder_0.weight", "encoder_0.bias", "encoder_1.weight", "encoder_1.bias",
                        "decoder_1.weight", "decoder_1.bias", "decoder_0.weight", "decoder_0.bias", "SOM.prototypes"));
        assertThat(grads.get("SOM.prototypes")).containsExactly(expectedPrototypeGrad, within(1e-6f));
        assertThat(grads.get("decoder_0.bias")).containsExactly(new float[] {0.75f, 0.25f, 0.5f, -0.125f}, within(1e-6f));
        // The encoder gets gradient from both terms: it is finite and not all zero.
        float[] enc = grads.get("encoder_1.weight");
        assertThat(enc).doesNotContain(Float.NaN);
        assertThat(Arrays.equals(enc, new float[enc.length])).isFalse();
    }

    @Test
    void predictorReturnsTheHandCodesAndBmus() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Desom model = handModel(manager);
            DesomPredictor.Assignments a = new DesomPredictor(model, manager).predict(HAND_X, 2);
            assertThat(a.bmus()).containsExactly(1, 2);
            assertThat(a.bmuDistances()).containsExactly(new float[] {1f, 0f}, within(1e-6f));
            assertThat(a.codes()).containsExactly(new float[] {1, 2, 3, 0}, within(1e-6f));
            assertThat(a.code(1)).containsExactly(new float[] {3, 0}, within(1e-6f));
            assertThat(a.latentDim()).isEqualTo(2);
        }
    }

    /** Dims [16, 8, 4], a 3x3 map, a SOM weight large enough to matter. */
    private static final DesomConfig SMALL = new DesomConfig(List.of(16, 8, 4), 3, 3, 0.1, 3.0, 0.3, 60, 60, 2, 16,
            1e-2, 0.9, 0.999);

    /** Four noisy clusters in 16 dimensions. */
    private static float[] clusters(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * 16];
        for (int i = 0; i < n; i++) {
            int c = i % 4;
            for (int j = 0; j < 16; j++) {
                x[i * 16 + j] = (j / 4 == c ? 1f : 0f) + 0.1f * (float) random.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void jointStepsLowerTheLoss() {
        float[] x = clusters(16, 3);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            Desom model = Desom.builder().setConfig(SMALL).build();
            model.initialize(manager);
            try (DesomTrainer trainer = new DesomTrainer(model, manager)) {
                DesomStepResult first = trainer.step(x, 16);
                DesomStepResult last = first;
                for (int i = 1; i < SMALL.iterations(); i++) {
                    last = trainer.step(x, 16);
                }
                assertThat(last.iteration()).isEqualTo(SMALL.iterations() - 1);
                assertThat(last.temperature()).isCloseTo(0.3, within(1e-9));
                assertThat(last.totalLoss()).isLessThan(0.5 * first.totalLoss());
                assertThat(last.reconLoss()).isLessThan(first.reconLoss());
                assertThat(last.bmus()).hasSize(16);
                assertThat(Arrays.stream(last.bmus()).allMatch(b -> b >= 0 && b < 9)).isTrue();
            }
        }
    }

    @Test
    void pretrainingLowersTheReconstructionAndLeavesThePrototypes() {
        float[] x = clusters(16, 4);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(6);
            Desom model = Desom.builder().setConfig(SMALL).build();
            model.initialize(manager);
            float[] prototypes = model.som().prototypes().getArray().toFloatArray();
            try (DesomTrainer trainer = new DesomTrainer(model, manager)) {
                DesomStepResult first = trainer.pretrainStep(x, 16);
                DesomStepResult last = first;
                for (int i = 0; i < 40; i++) {
                    last = trainer.pretrainStep(x, 16);
                }
                assertThat(first.somLoss()).isNaN();
                assertThat(last.reconLoss()).isLessThan(0.5 * first.reconLoss());
                assertThat(trainer.iteration()).isZero();
                assertThat(trainer.optimizer().stepCount()).isZero();
                assertThat(trainer.pretrainOptimizer().stepCount()).isEqualTo(41);
            }
            assertThat(model.som().prototypes().getArray().toFloatArray()).containsExactly(prototypes);
        }
    }

    private static Map<String, float[]> parametersAfterOneStep(boolean gcBeforeBackward) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            Desom model = Desom.builder().setConfig(SMALL).build();
            model.initialize(manager);
            try (DesomTrainer trainer = new DesomTrainer(model, manager)) {
                trainer.setIteration(10);
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
            Desom model = Desom.builder().setConfig(SMALL).build();
            model.initialize(manager);
            try (DesomTrainer trainer = new DesomTrainer(model, manager)) {
                DesomPredictor predictor = new DesomPredictor(model, manager);
                trainer.pretrainStep(x, 16);
                trainer.step(x, 16);
                predictor.predict(x, 16);
                int arrays = manager.getManagedArrays().size();
                for (int i = 0; i < 5; i++) {
                    trainer.pretrainStep(x, 16);
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
            Desom model = handModel(manager);
            try (DesomTrainer trainer = new DesomTrainer(model, manager)) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> trainer.step(new float[7], 2))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(8)");
            }
        }
    }
}
