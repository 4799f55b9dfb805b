package io.vitsom.model.urlsom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.vitsom.model.train.StepResult;
import org.junit.jupiter.api.Test;

class UrlSomTrainerTest {

    @Test
    void adamDecaysOnlyTheProjectionWeightAndSkipsRunningStatistics() {
        try (NDManager manager = NDManager.newBaseManager();
             UrlSomTrainer trainer = UrlSomModelTest.tiny(manager, 1).newTrainer(
                     UrlSomSchedule.epochs(UrlSomTestConfigs.tiny(), 1))) {
            var decays = trainer.optimizer().weightDecays();
            assertThat(decays).containsEntry("projection.weight", 0.0005).containsEntry("projection.bias", 0.0)
                    .containsEntry("backbone.stem.conv.weight", 0.0);
            assertThat(decays.keySet()).noneMatch(k -> k.contains("running_"));
            assertThat(decays.values().stream().filter(d -> d != 0)).hasSize(1);
        }
    }

    @Test
    void stepsRunFiniteReportTheScheduleAndUpdateBatchNormStatistics() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UrlSomModel model = UrlSomModelTest.tiny(manager, 2);
            UrlSomConfig config = model.config();
            float[] before = model.namedParameters().get("backbone.stem.bn.running_mean").getArray().toFloatArray();
            float[] weight = model.prototypes();
            try (UrlSomTrainer trainer = model.newTrainer(UrlSomSchedule.epochs(config, 1))) {
                float[] images = UrlSomTestConfigs.randomImages(config, 6, 3);
                StepResult first = trainer.step(images, 6);
                StepResult second = trainer.step(images, 6);
                assertThat(first.step()).isZero();
                assertThat(second.step()).isEqualTo(1);
                assertThat(trainer.stepCount()).isEqualTo(2);
                assertThat(trainer.optimizerStepCount()).isEqualTo(2);
                assertThat(first.learningRate()).isEqualTo(0.001);
                assertThat(second.learningRate()).isEqualTo(0.01);
                for (StepResult r : new StepResult[] {first, second}) {
                    assertThat(r.totalLoss()).isFinite().isPositive();
                    assertThat(r.somLoss()).isFinite().isBetween(0.0, r.totalLoss());
                    assertThat(r.reconLoss()).isNaN();
                    assertThat(r.clsLoss()).isNaN();
                    assertThat(r.temperature()).isZero();
                    assertThat(r.gamma()).isEqualTo(2.0);
                    assertThat(r.bmus()).hasSize(6);
                    assertThat(r.secondBmus()).hasSize(6);
                    assertThat(r.bmuDistances()).hasSize(6);
                    for (int i = 0; i < 6; i++) {
                        assertThat(r.bmus()[i]).isBetween(0L, 15L);
                        assertThat(r.secondBmus()[i]).isNotEqualTo(r.bmus()[i]);
                        assertThat(r.bmuDistances()[i]).isBetween(0f, 1f);
                    }
                }
                assertThat(trainer.optimizerMoments()).containsKeys("projection.weight.exp_avg",
                        "backbone.stem.bn.gamma.exp_avg_sq");
            }
            assertThat(model.namedParameters().get("backbone.stem.bn.running_mean").getArray().toFloatArray())
                    .isNotEqualTo(before);
            assertThat(model.prototypes()).isNotEqualTo(weight);
        }
    }

    /**
     * With both views equal the similarity term is 0 and the loss is WTA + anti-collapse, which is 1 for a map that
     * answers every image uniformly (a fresh map nearly does) and falls only if the map grows confident, spread-out
     * responses: ten steps must take it well below 1.
     */
    @Test
    void tenStepsWithIdenticalViewsLearnConfidentSpreadResponses() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            UrlSomConfig config = UrlSomTestConfigs.tinyWithoutAugmentation();
            UrlSomModel model = (UrlSomModel) new UrlSomFamily().create(config, manager);
            int count = 16;
            float[] images = UrlSomTestConfigs.randomImages(config, count, 12);
            try (UrlSomTrainer trainer = model.newTrainer(UrlSomSchedule.epochs(config, 1))) {
                StepResult first = trainer.step(images, count);
                assertThat(first.totalLoss()).isBetween(0.9, 1.0);
                StepResult last = first;
                for (int i = 1; i < 10; i++) {
                    last = trainer.step(images, count);
                    assertThat(last.totalLoss()).isFinite();
                    assertThat(last.totalLoss()).isEqualTo(last.somLoss(), within(1e-6));
                }
                assertThat(last.totalLoss()).isLessThan(0.8);
            }
        }
    }

    @Test
    void stepRejectsAnEmptyOrMisshapedBatch() {
        try (NDManager manager = NDManager.newBaseManager();
             UrlSomTrainer trainer = UrlSomModelTest.tiny(manager, 4).newTrainer(
                     UrlSomSchedule.epochs(UrlSomTestConfigs.tiny(), 1))) {
            assertThatThrownBy(() -> trainer.step(new float[0], 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> trainer.step(new float[5], 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("3x8x8");
            assertThat(trainer.stepCount()).isZero();
        }
    }
}
