package io.vitsom.bench.maps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.baselines.somvae.SomVaeConfig;
import io.vitsom.model.data.ImageSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SomVaeMapTest {
    private static final int IMAGES = 96;
    private static final long SEED = 7;

    /** The reference's 784-wide input on purpose: training replaces it with the data's 64. 20 epochs, decay every 1,000 steps. */
    private static final SomVaeConfig CONFIG = new SomVaeConfig(List.of(784, 32, 8, 4), 3, 3, 1.0, 0.9, true, 1e-3,
            0.9, 1000, 16, 20, 0.9, 0.999);

    private static PrintStream quietLog(ByteArrayOutputStream sink) {
        return new PrintStream(sink, true, StandardCharsets.UTF_8);
    }

    @Test
    void trainedMapHasConsistentShapesAndBmusAreTheArgminOfDistances() {
        ImageSet data = DesomMapTest.threePatterns();
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        try (SomVaeMap map = SomVaeMap.train(CONFIG, data, 2, SEED, quietLog(logged))) {
            int units = 9;
            assertThat(map.grid().units()).isEqualTo(units);
            assertThat(map.grid().cols()).isEqualTo(3);
            assertThat(map.latentDim()).isEqualTo(4);
            assertThat(map.config().inputDim()).isEqualTo(64);
            assertThat(map.config().epochs()).isEqualTo(2);
            // 2 of the config's 20 epochs: the staircase decays every 1000 * 2 / 20 = 100 steps.
            assertThat(map.config().decaySteps()).isEqualTo(100);

            int[] bmus = map.bmus(data);
            float[] distances = map.distances(data);
            assertThat(bmus).hasSize(IMAGES);
            assertThat(Arrays.stream(bmus).boxed().toList()).allSatisfy(k -> assertThat(k).isBetween(0, units - 1));
            assertThat(map.latent(data)).hasSize(IMAGES * 4);
            assertThat(distances).hasSize(IMAGES * units);
            assertThat(map.prototypes()).hasDimensions(units, 4);
            float[][] images = map.prototypeImages();
            assertThat(images).hasDimensions(units, 64);
            for (float[] image : images) {
                for (float v : image) {
                    assertThat(v).isBetween(0f, 1f);
                }
            }
            for (int i = 0; i < IMAGES; i++) {
                assertThat(bmus[i]).as("image %d", i).isEqualTo(DesomMapTest.argmin(distances, i * units, units));
            }

            // Encoder and two mirrored decoders (64-32-8-4), plus 9 embeddings of width 4.
            long mlp = 64 * 32 + 32 + 32 * 8 + 8 + 8 * 4 + 4;
            long mirrored = 4 * 8 + 8 + 8 * 32 + 32 + 32 * 64 + 64;
            assertThat(map.params()).isEqualTo(mlp + 2 * mirrored + units * 4);
            assertThat(map.trainSeconds()).isPositive();
            assertThat(map.imagesPerSecond()).isPositive();
            assertThat(logged.toString(StandardCharsets.UTF_8)).contains("som-vae epoch 1/2").contains("som-vae epoch 2/2");
        }
    }

    @Test
    void sameSeedGivesTheSameMap() {
        ImageSet data = DesomMapTest.threePatterns();
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        try (SomVaeMap first = SomVaeMap.train(CONFIG, data, 2, SEED, quietLog(logged));
             SomVaeMap second = SomVaeMap.train(CONFIG, data, 2, SEED, quietLog(logged))) {
            assertThat(second.bmus(data)).isEqualTo(first.bmus(data));
            assertThat(second.prototypes()).isEqualTo(first.prototypes());
        }
    }

    @Test
    void trainingLowersTheLossAndUsesMoreThanOneUnit() {
        ImageSet data = DesomMapTest.threePatterns();
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        // Not "three patterns on three units": with a 4-wide ReLU z_e, 24 steps only half separate them, and higher
        // learning rates kill z_e (all zero, one unit) - the collapse this assertion catches.
        try (SomVaeMap map = SomVaeMap.train(CONFIG, data, 4, SEED, quietLog(logged))) {
            double[] losses = map.epochLosses();
            assertThat(losses).hasSize(4);
            assertThat(losses[3]).isLessThan(losses[0]);
            assertThat(Arrays.stream(map.bmus(data)).distinct().count()).isGreaterThan(1);
        }
    }

    @Test
    void rejectsNoEpochsAndEmptyData() {
        ImageSet data = DesomMapTest.threePatterns();
        PrintStream log = quietLog(new ByteArrayOutputStream());
        assertThatThrownBy(() -> SomVaeMap.train(CONFIG, data, 0, SEED, log))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epochs must be positive, got 0");
        assertThatThrownBy(() -> SomVaeMap.train(CONFIG, data.limit(0), 1, SEED, log))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is empty");
    }
}
