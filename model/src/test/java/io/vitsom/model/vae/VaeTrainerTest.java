package io.vitsom.model.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VaeTrainerTest {

    /** 40 Adam steps at lr 0.01 on 16 corner images: the mean loss of the last 5 steps is well below the first 5's. */
    @Test
    void aFewStepsOnSyntheticImagesLowerTheLoss() {
        float[] images = VaeTestConfigs.corners(16, 1);
        List<VaeStepResult> results = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager();
             VaeModel model = VaeModel.create(VaeTestConfigs.tiny(), manager, 1);
             VaeTrainer trainer = new VaeTrainer(model, 2)) {
            for (int i = 0; i < 40; i++) {
                results.add(trainer.step(images, 16));
            }
            assertThat(trainer.stepCount()).isEqualTo(40);
        }
        double first = results.subList(0, 5).stream().mapToDouble(VaeStepResult::loss).average().orElseThrow();
        double last = results.subList(35, 40).stream().mapToDouble(VaeStepResult::loss).average().orElseThrow();
        assertThat(last).isLessThan(0.8 * first);
        for (VaeStepResult r : results) {
            assertThat(r.loss()).isCloseTo(r.reconstruction() + r.kl(), within(1e-3));
            assertThat(r.kl()).isGreaterThanOrEqualTo(0);
        }
        assertThat(results.get(7).step()).isEqualTo(7);
    }

    @Test
    void sameModelAndTrainerSeedsReplayTheSameSteps() {
        float[] images = VaeTestConfigs.corners(8, 3);
        assertThat(run(images, 9)).isEqualTo(run(images, 9)).isNotEqualTo(run(images, 10));
    }

    private static List<VaeStepResult> run(float[] images, long trainerSeed) {
        List<VaeStepResult> out = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager();
             VaeModel model = VaeModel.create(VaeTestConfigs.tiny(), manager, 4);
             VaeTrainer trainer = new VaeTrainer(model, trainerSeed)) {
            for (int i = 0; i < 3; i++) {
                out.add(trainer.step(images, 8));
            }
        }
        return out;
    }
}
