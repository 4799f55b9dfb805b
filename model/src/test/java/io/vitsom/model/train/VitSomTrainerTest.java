package io.vitsom.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.vitsom.model.GcChurn;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.nn.VitSom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

public class VitSomTrainerTest {
    /** A small clustering config (8x8 map, 14x14 input) so hundreds of steps take seconds. */
    public static VitSomConfig tiny(int classes) {
        String yaml = """
                hyperparameters:
                  model_arch: vit_som
                  total_epochs: 2
                  batch_size: 16
                  gamma: 0.005
                  som: {map_size: [8, 8], Tmax: 4, Tmin: 0.1, distance_fcn: cosine, topology: square, use_reduced: false}
                  vit: {patch_size: 2, emb_dim: 8, depth: 1, dec_emb_dim: 4, dec_depth: 1, heads: 2, mlp_ratio: 4,
                        qkv_bias: true, qk_norm: false, proj_drop: 0.0, attn_drop: 0.0, drop_path: 0.1, global_pool: false}
                  optimizer: {type: adamw, lr: 0.01, min_lr: 0.00001, beta_1: 0.9, beta_2: 0.999,
                              scheduler: cosine_annealing, warmup_epochs: 1, weight_decay: 0.05, layer_decay: 0.75,
                              smoothing: 0.1}
                data: {dataset: synthetic, num_classes: %d, num_channels: 1, input_size: 14}
                """.formatted(classes);
        return ConfigLoader.parse(yaml, "tiny");
    }

    static float[] images(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * 14 * 14];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        return x;
    }

    private static Map<String, float[]> parametersAfterOneStep(VitSomConfig config, boolean gcBeforeBackward) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            VitSom model = VitSom.builder().setConfig(config).build();
            model.initialize(manager);
            TrainingPlan plan = new TrainingPlan(64, 16, 2);
            try (VitSomTrainer trainer = new VitSomTrainer(model, manager, new EpochSchedule(config, plan))) {
                trainer.setStepCount(5); // non-zero gamma so the SOM loss contributes gradients
                int[] labels = config.classification() ? new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0} : null;
                trainer.step(images(16, 3), labels, 16, gcBeforeBackward ? GcChurn::collectGarbage : () -> { });
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            model.namedParameters().forEach((name, p) -> out.put(name, p.getArray().toFloatArray()));
            return out;
        }
    }

    @Test
    void garbageCollectionBetweenForwardAndBackwardDoesNotChangeTheUpdate() {
        for (VitSomConfig config : new VitSomConfig[] {tiny(0), tiny(3)}) {
            Map<String, float[]> plain = parametersAfterOneStep(config, false);
            Map<String, float[]> withGc = parametersAfterOneStep(config, true);
            assertThat(withGc.keySet()).isEqualTo(plain.keySet());
            plain.forEach((name, values) -> assertThat(withGc.get(name)).as(name).containsExactly(values));
        }
    }

    @Test
    void oneStepMovesEveryTrainableParameterAndReportsTheLossTerms() {
        VitSomConfig config = tiny(0);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            VitSom model = VitSom.builder().setConfig(config).build();
            model.initialize(manager);
            Map<String, float[]> before = new LinkedHashMap<>();
            model.namedParameters().forEach((name, p) -> before.put(name, p.getArray().toFloatArray()));
            try (VitSomTrainer trainer = new VitSomTrainer(model, manager,
                    new EpochSchedule(config, new TrainingPlan(64, 16, 2)))) {
                trainer.setStepCount(3);
                StepResult r = trainer.step(images(16, 5), null, 16);
                assertThat(r.reconLoss()).isPositive();
                assertThat(r.somLoss()).isPositive();
                assertThat(r.clsLoss()).isNaN();
                // gamma at step 3 of 8 with the ramp ending at 4: 0.005 * 3/4
                assertThat(r.gamma()).isEqualTo(0.005 * 3 / 4);
                assertThat(r.totalLoss()).isCloseTo(r.reconLoss() + r.gamma() * r.somLoss(),
                        org.assertj.core.api.Assertions.within(1e-6));
                assertThat(r.bmus()).hasSize(16);
                assertThat(java.util.Arrays.stream(r.bmus()).allMatch(b -> b >= 0 && b < 64)).isTrue();
            }
            model.namedParameters().forEach((name, p) -> {
                boolean changed = !java.util.Arrays.equals(before.get(name), p.getArray().toFloatArray());
                assertThat(changed).as(name + " changed").isEqualTo(p.requiresGradient());
            });
        }
    }
}
