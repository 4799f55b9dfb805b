package io.vitsom.model.gensom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.infer.Assignments;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.train.StepResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenSomModelTest {

    static GenSomModel tiny(NDManager manager, long seed, String... replace) {
        Engine.getInstance().setRandomSeed((int) seed);
        return (GenSomModel) MapModels.create(GenSomTestConfigs.tiny(replace), manager);
    }

    /**
     * The seed's network counted per layer: encoder conv 1 -> 32 (4x4): 512 + 32 = 544, conv 32 -> 64: 32 768 + 64
     * = 32 832; attention over 49 tokens of 64: qkv 64 * 192 + 192 = 12 480, proj 64 * 64 + 64 = 4 160, LayerNorm
     * 128 (16 768); projection of the flattened 49 * 64 = 3 136 values to 32: 100 352 + 32 = 100 384; decoder
     * Linear 32 -> 3 136: 100 352 + 3 136 = 103 488, deconv 64 -> 32: 32 768 + 32 = 32 800, deconv 32 -> 1: 512 + 1
     * = 513 (136 801). Total 287 329; the 144 x 32 codebook is not trained by gradient and not counted.
     */
    @Test
    void theSeedNetworkHasTheParameterCountWorkedOutPerLayer() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            GenSomModel model = GenSomModel.create(GenSomConfig.parse(GenSomTestConfigs.seedYaml(), "seed"), manager);
            GenSomNet net = model.net();
            assertThat(net.trainableParameterCount("encoder.")).isEqualTo(544 + 32_832);
            assertThat(net.trainableParameterCount("attention.")).isEqualTo(16_768);
            assertThat(net.trainableParameterCount("projection.")).isEqualTo(100_384);
            assertThat(net.trainableParameterCount("decoder.")).isEqualTo(136_801);
            assertThat(model.trainableParameterCount()).isEqualTo(287_329);
            assertThat(model.namedParameters()).containsKeys("som.prototypes", "som.initialised",
                    "attention.qkv.weight", "attention.norm.bias", "decoder.deconv1.weight");
            assertThat(model.prototypes()).hasSize(144 * 32);
            assertThat(model.namedParameters().keySet()).allMatch(k -> k.matches("[a-z0-9_.]+"));
        }
    }

    @Test
    void outputsHaveTheDocumentedShapesAndAssignmentsUseTheNearestPrototype() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GenSomModel model = tiny(manager, 2);
            float[] images = GenSomTestConfigs.images(6, 3);
            float[] latents = model.latents(images, 6);
            assertThat(latents).hasSize(6 * 8);
            assertThat(model.reconstruct(images, 6)).hasSize(6 * 784);
            assertThat(model.reconstructLatent(images, 6)).hasSize(6 * 784);
            assertThat(model.unitPictures(null, 0)).hasDimensions(9, 784);
            Assignments a = model.assign(images, 6);
            float[] w = model.prototypes();
            for (int i = 0; i < 6; i++) {
                double best = Double.POSITIVE_INFINITY;
                for (int k = 0; k < 9; k++) {
                    double s = 0;
                    for (int d = 0; d < 8; d++) {
                        double diff = latents[i * 8 + d] - w[k * 8 + d];
                        s += diff * diff;
                    }
                    best = Math.min(best, s);
                }
                assertThat((double) a.distance()[i]).isCloseTo(Math.sqrt(best), within(1e-4));
                assertThat(a.secondBmu()[i]).isNotEqualTo(a.bmu()[i]);
            }
            // The seed's reconstruction is the decoded BMU prototype.
            int unit = a.bmu()[0];
            assertThat(Arrays.copyOf(model.reconstruct(images, 6), 784)).containsExactly(model.unitPictures(null, 0)[unit],
                    within(1e-5f));
        }
    }

    @Test
    void aReseededUnitTakesItsImagesLatentAndWinsThatImage() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GenSomModel model = tiny(manager, 4);
            float[] images = GenSomTestConfigs.images(2, 5);
            float[] before = model.prototypes();
            int[] units = {7, 2};
            model.reseed(units, images);
            float[] latents = model.latents(images, 2);
            float[] after = model.prototypes();
            for (int k = 0; k < units.length; k++) {
                assertThat(Arrays.copyOfRange(after, units[k] * 8, units[k] * 8 + 8))
                        .containsExactly(Arrays.copyOfRange(latents, k * 8, k * 8 + 8), within(1e-6f));
            }
            // Every other unit keeps its prototype.
            for (int u = 0; u < 9; u++) {
                if (u != 7 && u != 2) {
                    assertThat(Arrays.copyOfRange(after, u * 8, u * 8 + 8))
                            .containsExactly(Arrays.copyOfRange(before, u * 8, u * 8 + 8));
                }
            }
            Assignments a = model.assign(images, 2);
            assertThat(a.bmu()).containsExactly(7, 2);
            assertThat(a.distance()[0]).isLessThan(1e-3f);
            assertThatThrownBy(() -> model.reseed(new int[] {9}, Arrays.copyOf(images, 784)))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void trainingStepsLowerTheMseAndMoveTheCodebook() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GenSomModel model = tiny(manager, 4);
            float[] images = GenSomTestConfigs.images(16, 5);
            float[] before = model.prototypes();
            assertThat(model.codebook().isInitialised()).isFalse();
            try (GenSomTrainer trainer = model.newTrainer(GenSomSchedule.epochs(model.config(), 12))) {
                StepResult first = trainer.step(images, 16);
                assertThat(model.codebook().isInitialised()).isTrue();
                float[] afterFirst = model.prototypes();
                StepResult last = first;
                for (int i = 1; i < 12; i++) {
                    last = trainer.step(images, 16);
                }
                assertThat(last.reconLoss()).isLessThan(first.reconLoss() * 0.8);
                assertThat(last.totalLoss()).isLessThan(first.totalLoss());
                assertThat(last.step()).isEqualTo(11);
                assertThat(last.temperature()).isLessThan(first.temperature());
                assertThat(last.gamma()).isLessThan(first.gamma());
                assertThat(last.bmus()).hasSize(16);
                assertThat(last.secondBmus()).hasSize(16);
                assertThat(model.prototypes()).isNotEqualTo(before).isNotEqualTo(afterFirst);
                assertThat(trainer.optimizerStepCount()).isEqualTo(12);
                assertThat(trainer.optimizerMoments()).containsKey("encoder.conv0.weight.exp_avg")
                        .doesNotContainKey("som.prototypes.exp_avg");
            }
        }
    }

    @Test
    void everyDecoderTrainingModeTrains() {
        for (String mode : new String[] {"latent", "prototype"}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                GenSomModel model = tiny(manager, 6, "decoder_training: both", "decoder_training: " + mode);
                float[] images = GenSomTestConfigs.images(8, 7);
                try (GenSomTrainer trainer = model.newTrainer(GenSomSchedule.epochs(model.config(), 6))) {
                    StepResult first = trainer.step(images, 8);
                    StepResult last = first;
                    for (int i = 1; i < 6; i++) {
                        last = trainer.step(images, 8);
                    }
                    assertThat(last.reconLoss()).as(mode).isLessThan(first.reconLoss());
                    assertThat(last.totalLoss()).as(mode).isEqualTo(last.reconLoss(),
                            within(1e-6));
                }
            }
        }
    }

    @Test
    void attentionOverTheLatentBuildsAndTrains() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GenSomModel model = tiny(manager, 8, "over: spatial", "over: latent", "readout: flatten",
                    "latent_tokens: 4");
            float[] images = GenSomTestConfigs.images(8, 9);
            try (GenSomTrainer trainer = model.newTrainer(GenSomSchedule.epochs(model.config(), 3))) {
                assertThat(trainer.step(images, 8).bmus()).hasSize(8);
            }
            assertThat(model.latents(images, 8)).hasSize(8 * 8);
        }
    }

    @Test
    void samplesAreDecodedNoisyPrototypesReproducibleFromTheSeed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GenSomModel model = tiny(manager, 10);
            float[][] exact = model.sample(4, 3, 0, new Random(1));
            float[] picture = model.unitPictures(null, 0)[4];
            for (float[] image : exact) {
                // Equal up to the float rounding of a different batch size.
                assertThat(image).containsExactly(picture, within(1e-5f));
            }
            float[][] a = model.sample(4, 3, 0.5, new Random(2));
            float[][] b = model.sample(4, 3, 0.5, new Random(2));
            assertThat(a).isDeepEqualTo(b);
            assertThat(a[0]).isNotEqualTo(a[1]).isNotEqualTo(picture);
            assertThat(a[0]).hasSize(784);
            assertThatThrownBy(() -> model.sample(9, 1, 0.1, new Random(1))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> model.sample(0, 0, 0.1, new Random(1))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> model.sample(0, 1, -1, new Random(1))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aCheckpointRestoresTheNetworkTheCodebookAndItsInitialisation(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager(); NDManager restored = NDManager.newBaseManager()) {
            GenSomModel model = tiny(manager, 11);
            float[] images = GenSomTestConfigs.images(8, 12);
            try (GenSomTrainer trainer = model.newTrainer(GenSomSchedule.epochs(model.config(), 4))) {
                trainer.step(images, 8);
                trainer.step(images, 8);
                Checkpoint.save(dir.resolve("ckpt"), trainer, 11, null);
            }
            Checkpoint.Loaded loaded = Checkpoint.load(dir.resolve("ckpt"), restored);
            assertThat(loaded.config()).isEqualTo(model.config());
            assertThat(loaded.model()).isInstanceOf(GenSomModel.class);
            assertThat(loaded.metadata().step()).isEqualTo(2);
            MapModel copy = loaded.model();
            for (String name : model.namedParameters().keySet()) {
                assertThat(copy.namedParameters().get(name).getArray().toFloatArray()).as(name)
                        .containsExactly(model.namedParameters().get(name).getArray().toFloatArray());
            }
            // Restored as placed: a trainer resumed on it never re-places the trained prototypes.
            assertThat(((GenSomModel) copy).codebook().isInitialised()).isTrue();
            Assignments before = model.assign(images, 8);
            Assignments after = copy.assign(images, 8);
            assertThat(after.bmu()).containsExactly(before.bmu());
            assertThat(after.distance()).containsExactly(before.distance());
            assertThat(loaded.moments()).containsKey("decoder.deconv0.weight.exp_avg");
        }
    }
}
