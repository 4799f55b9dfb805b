package io.vitsom.bench.maps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.baselines.DesomConfig;
import io.vitsom.model.data.ImageSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DesomMapTest {
    private static final int SIZE = 8;
    private static final int IMAGES = 96;
    private static final long SEED = 7;

    /** The reference's 784-wide input on purpose: training replaces it with the data's 64. */
    private static final DesomConfig CONFIG = new DesomConfig(List.of(784, 32, 8, 4), 3, 3, 0.001, 10.0, 0.1,
            10_000, 10_000, 200, 16, 1e-3, 0.9, 0.999);

    /** 96 noisy 8x8 images of three patterns (top half, left half, main-diagonal band), labels 0..2 in turn. */
    static ImageSet threePatterns() {
        Random random = new Random(1);
        byte[] pixels = new byte[IMAGES * SIZE * SIZE];
        int[] labels = new int[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            labels[i] = i % 3;
            for (int r = 0; r < SIZE; r++) {
                for (int c = 0; c < SIZE; c++) {
                    boolean on = switch (labels[i]) {
                        case 0 -> r < SIZE / 2;
                        case 1 -> c < SIZE / 2;
                        default -> Math.abs(r - c) <= 1;
                    };
                    int value = (on ? 220 : 20) + random.nextInt(41) - 20;
                    pixels[i * SIZE * SIZE + r * SIZE + c] = (byte) value;
                }
            }
        }
        return new ImageSet("three-patterns", 1, SIZE, SIZE, pixels, labels, List.of());
    }

    private static PrintStream quietLog(ByteArrayOutputStream sink) {
        return new PrintStream(sink, true, StandardCharsets.UTF_8);
    }

    @Test
    void trainedMapHasConsistentShapesAndBmusAreTheArgminOfDistances() {
        ImageSet data = threePatterns();
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        try (DesomMap map = DesomMap.train(CONFIG, data, 1, 2, SEED, quietLog(logged))) {
            int units = 9;
            assertThat(map.grid().units()).isEqualTo(units);
            assertThat(map.grid().rows()).isEqualTo(3);
            assertThat(map.latentDim()).isEqualTo(4);
            assertThat(map.config().inputDim()).isEqualTo(64);
            // 2 epochs of ceil(96 / 16) = 6 steps: the temperature decays over exactly the 12 joint steps run.
            assertThat(map.config().iterations()).isEqualTo(12);
            assertThat(map.config().somIterations()).isEqualTo(12);
            assertThat(map.config().pretrainEpochs()).isEqualTo(1);

            int[] bmus = map.bmus(data);
            float[] distances = map.distances(data);
            assertThat(bmus).hasSize(IMAGES);
            assertThat(Arrays.stream(bmus).boxed().toList()).allSatisfy(k -> assertThat(k).isBetween(0, units - 1));
            assertThat(map.latent(data)).hasSize(IMAGES * 4);
            assertThat(distances).hasSize(IMAGES * units);
            assertThat(map.prototypes()).hasDimensions(units, 4);
            assertThat(map.prototypeImages()).hasDimensions(units, SIZE * SIZE);
            for (int i = 0; i < IMAGES; i++) {
                assertThat(bmus[i]).as("image %d", i).isEqualTo(argmin(distances, i * units, units));
            }

            assertThat(map.params()).isEqualTo(expectedParams(List.of(64, 32, 8, 4), units));
            assertThat(map.trainSeconds()).isPositive();
            assertThat(map.imagesPerSecond()).isPositive();
            assertThat(logged.toString(StandardCharsets.UTF_8))
                    .contains("desom pretrain epoch 1/1").contains("desom epoch 1/2").contains("desom epoch 2/2");
        }
    }

    @Test
    void sameSeedGivesTheSameMap() {
        ImageSet data = threePatterns();
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        try (DesomMap first = DesomMap.train(CONFIG, data, 1, 2, SEED, quietLog(logged));
             DesomMap second = DesomMap.train(CONFIG, data, 1, 2, SEED, quietLog(logged))) {
            assertThat(second.bmus(data)).isEqualTo(first.bmus(data));
            assertThat(second.prototypes()).isEqualTo(first.prototypes());
        }
    }

    @Test
    void trainingLowersTheLossAndSeparatesThePatterns() {
        ImageSet data = threePatterns();
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        // lr 1e-2: at the reference's 1e-3 Adam moves a prototype at most ~0.001 a step, and 60 joint steps leave
        // every code nearest to the same initial prototype (all images on one unit).
        try (DesomMap map = DesomMap.train(CONFIG.withLoss(0.001, 1e-2), data, 5, 5, SEED, quietLog(logged))) {
            double[] pretrain = map.pretrainLosses();
            double[] joint = map.epochLosses();
            assertThat(pretrain).hasSize(5);
            assertThat(joint).hasSize(5);
            assertThat(pretrain[4]).isLessThan(pretrain[0]);
            assertThat(joint[4]).isLessThan(joint[0]);
            assertThat(majorityUnits(map.bmus(data), data.labels(), 3, map.grid().units()))
                    .as("unit holding most images of each pattern").doesNotHaveDuplicates();
        }
    }

    @Test
    void rejectsNoEpochsAndEmptyData() {
        ImageSet data = threePatterns();
        PrintStream log = quietLog(new ByteArrayOutputStream());
        assertThatThrownBy(() -> DesomMap.train(CONFIG, data, 1, 0, SEED, log))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epochs must be positive, got 0");
        assertThatThrownBy(() -> DesomMap.train(CONFIG, data, -1, 1, SEED, log))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pretrainEpochs must be >= 0");
        assertThatThrownBy(() -> DesomMap.train(CONFIG, data.limit(0), 1, 1, SEED, log))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is empty");
    }

    /** For each label, the unit that holds most of its images. */
    static int[] majorityUnits(int[] bmus, int[] labels, int classes, int units) {
        int[][] counts = new int[classes][units];
        for (int i = 0; i < bmus.length; i++) {
            counts[labels[i]][bmus[i]]++;
        }
        int[] out = new int[classes];
        for (int c = 0; c < classes; c++) {
            for (int k = 1; k < units; k++) {
                if (counts[c][k] > counts[c][out[c]]) {
                    out[c] = k;
                }
            }
        }
        return out;
    }

    static int argmin(float[] values, int offset, int length) {
        int best = 0;
        for (int k = 1; k < length; k++) {
            if (values[offset + k] < values[offset + best]) {
                best = k;
            }
        }
        return best;
    }

    /** Weights and biases of the encoder and its mirror, plus {@code units} prototypes of the code width. */
    private static long expectedParams(List<Integer> dims, int units) {
        long total = 0;
        for (int i = 0; i + 1 < dims.size(); i++) {
            total += 2L * dims.get(i) * dims.get(i + 1) + dims.get(i + 1) + dims.get(i);
        }
        return total + (long) units * dims.get(dims.size() - 1);
    }
}
