package io.vitsom.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.infer.VitSomPredictor;
import io.vitsom.model.nn.VitSom;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The online learner interleaves training with inference (latents, decoded prototypes) on the same model. */
class TrainAfterInferenceTest {
    @Test
    void trainingContinuesFromALoadedCheckpoint(@TempDir Path dir) throws Exception {
        VitSomConfig config = VitSomTrainerTest.tiny(0);
        float[] x = VitSomTrainerTest.images(16, 1);
        // As the online learner: train, checkpoint, decode prototypes for publishing, on a thread of its own.
        Thread first = new Thread(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(3);
                VitSom model = VitSom.builder().setConfig(config).build();
                model.initialize(manager);
                try (VitSomTrainer trainer = new VitSomTrainer(model, manager, StreamingSchedule.of(config, 1_000))) {
                    trainer.step(x, null, 16);
                    trainer.step(x, null, 16);
                    Checkpoint.save(dir.resolve("c"), trainer, 3, null);
                    VitSomPredictor predictor = new VitSomPredictor(model, manager);
                    predictor.latent(x, 16);
                    predictor.decodePrototypes(1.0);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        first.start();
        first.join();
        // The learner resumes on a thread of its own.
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread thread = new Thread(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                Checkpoint.Loaded loaded = Checkpoint.load(dir.resolve("c"), manager);
                try (VitSomTrainer trainer = new VitSomTrainer(loaded.vitSom(), manager,
                        StreamingSchedule.of(config, 1_000))) {
                    loaded.restore(trainer);
                    assertThat(trainer.step(x, null, 16).totalLoss()).isFinite();
                    assertThat(trainer.step(x, null, 16).totalLoss()).isFinite();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        thread.start();
        thread.join();
        assertThat(failure.get()).isNull();
    }

    @Test
    void trainingContinuesAfterEveryKindOfInference() {
        VitSomConfig config = VitSomTrainerTest.tiny(0);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            VitSom model = VitSom.builder().setConfig(config).build();
            model.initialize(manager);
            try (VitSomTrainer trainer = new VitSomTrainer(model, manager, StreamingSchedule.of(config, 1_000))) {
                float[] x = VitSomTrainerTest.images(16, 1);
                trainer.step(x, null, 16);
                trainer.step(x, null, 16);
                VitSomPredictor predictor = new VitSomPredictor(model, manager);
                predictor.latent(x, 16);
                predictor.decodePrototypes(1.0);
                trainer.step(x, null, 16);
                predictor.distances(x, 16);
                trainer.step(x, null, 16);
                predictor.latent(x, 16);
                trainer.step(x, null, 16);
                assertThat(predictor.decodePrototypes(1.0)).hasNumberOfRows(config.som().units());
                StepResult after = trainer.step(x, null, 16);
                assertThat(after.totalLoss()).isFinite();
            }
        }
    }
}
