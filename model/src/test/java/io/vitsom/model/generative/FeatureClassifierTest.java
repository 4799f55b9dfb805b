package io.vitsom.model.generative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.vitsom.model.checkpoint.CorruptCheckpointException;
import io.vitsom.model.data.ImageSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureClassifierTest {
    private static final int SIDE = 28;

    /** Class 0 lights the left half, class 1 the right half, both with noise; {@code n} images alternating. */
    private static ImageSet halves(int n, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[n * SIDE * SIDE];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int r = 0; r < SIDE; r++) {
                for (int c = 0; c < SIDE; c++) {
                    boolean lit = (c < SIDE / 2) == (labels[i] == 0);
                    int value = (lit ? 160 : 0) + random.nextInt(90);
                    pixels[i * SIDE * SIDE + r * SIDE + c] = (byte) value;
                }
            }
        }
        return new ImageSet("halves-" + seed, 1, SIDE, SIDE, pixels, labels, List.of());
    }

    private static FeatureClassifier trainQuietly(ImageSet train, ByteArrayOutputStream log) {
        return FeatureClassifier.train(train, new FeatureClassifier.Options(3, 8, 1e-3, 5), new PrintStream(log, true));
    }

    @Test
    void learnsTwoDistinctPatternsInAFewStepsAndReportsProgress() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (FeatureClassifier classifier = trainQuietly(halves(40, 1), log)) {
            assertThat(classifier.accuracy(halves(20, 2))).isEqualTo(1.0);
            assertThat(classifier.evaluation()).isEqualTo(new FeatureClassifier.Evaluation("halves-2", 20, 1.0));
            float[][] p = classifier.probabilities(halves(4, 3).batch(new int[] {0, 1, 2, 3}), 4);
            assertThat(p).hasDimensions(4, FeatureClassifier.CLASSES);
            for (float[] row : p) {
                float sum = 0;
                for (float v : row) {
                    sum += v;
                }
                assertThat(sum).isCloseTo(1f, within(1e-5f));
            }
            assertThat(classifier.features(new float[2 * SIDE * SIDE], 2))
                    .hasDimensions(2, FeatureClassifier.FEATURE_DIM);
        }
        assertThat(log.toString()).contains("classifier epoch 3/3 done");
    }

    /**
     * Per layer: conv1 32*1*9 + 32 = 320; conv2 64*32*9 + 64 = 18 496; feature 3136*128 + 128 = 401 536; classes
     * 128*10 + 10 = 1 290.
     */
    @Test
    void sameSeedGivesTheSameClassifierOfThePinnedSize() {
        ImageSet train = halves(16, 4);
        float[] probe = halves(3, 5).batch(new int[] {0, 1, 2});
        try (FeatureClassifier a = trainQuietly(train, new ByteArrayOutputStream());
             FeatureClassifier b = trainQuietly(train, new ByteArrayOutputStream())) {
            assertThat(a.trainableParameterCount()).isEqualTo(320 + 18_496 + 401_536 + 1_290);
            assertThat(a.features(probe, 3)).isEqualTo(b.features(probe, 3));
        }
    }

    @Test
    void saveAndLoadGiveIdenticalFeaturesAndKeepTheProvenance(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("classifier");
        float[] probe = halves(5, 6).batch(new int[] {0, 1, 2, 3, 4});
        try (NDManager manager = NDManager.newBaseManager();
             FeatureClassifier trained = trainQuietly(halves(16, 7), new ByteArrayOutputStream())) {
            trained.accuracy(halves(10, 8));
            trained.save(dir);
            try (FeatureClassifier loaded = FeatureClassifier.load(dir, manager)) {
                assertThat(loaded.features(probe, 5)).isEqualTo(trained.features(probe, 5));
                assertThat(loaded.probabilities(probe, 5)).isEqualTo(trained.probabilities(probe, 5));
                assertThat(loaded.options()).isEqualTo(new FeatureClassifier.Options(3, 8, 1e-3, 5));
                assertThat(loaded.evaluation()).isEqualTo(trained.evaluation());
            }
        }
        String manifest = Files.readString(dir.resolve("manifest.json"));
        assertThat(manifest).contains("\"seed\" : 5", "\"accuracy\"", "halves-7 (16 images)", FeatureClassifier.FORMAT);
    }

    @Test
    void loadRejectsMissingAndCorruptFolders(@TempDir Path tmp) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> FeatureClassifier.load(tmp.resolve("absent"), manager))
                    .isInstanceOf(NoSuchFileException.class);
            Path dir = tmp.resolve("classifier");
            try (FeatureClassifier trained = trainQuietly(halves(8, 9), new ByteArrayOutputStream())) {
                trained.save(dir);
            }
            Files.write(dir.resolve("params/classes.bias.npy"), new byte[] {1, 2, 3});
            assertThatThrownBy(() -> FeatureClassifier.load(dir, manager))
                    .isInstanceOf(CorruptCheckpointException.class)
                    .hasMessageContaining("params/classes.bias.npy fails its SHA-256 checksum");
            Files.delete(dir.resolve("manifest.json"));
            assertThatThrownBy(() -> FeatureClassifier.load(dir, manager))
                    .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("manifest.json is missing");
        }
    }

    @Test
    void learningRateHalvesAfterEveryEpochAndOptionsAreValidated() {
        FeatureClassifier.Options o = FeatureClassifier.Options.defaults();
        assertThat(o.learningRate(0)).isEqualTo(1e-3);
        assertThat(o.learningRate(1)).isEqualTo(5e-4);
        assertThat(o.learningRate(2)).isEqualTo(2.5e-4);
        assertThatThrownBy(() -> new FeatureClassifier.Options(0, 64, 1e-3, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epochs and batch");
        assertThatThrownBy(() -> new FeatureClassifier.Options(1, 64, Double.NaN, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learningRate");
    }

    @Test
    void rejectsImagesItCannotRead() {
        ImageSet rgb = new ImageSet("rgb", 3, SIDE, SIDE, new byte[3 * SIDE * SIDE], new int[] {0}, List.of());
        assertThatThrownBy(() -> FeatureClassifier.train(rgb, FeatureClassifier.Options.defaults(), System.err))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1x28x28");
        ImageSet unlabelled = new ImageSet("u", 1, SIDE, SIDE, new byte[SIDE * SIDE], new int[] {-1}, List.of());
        assertThatThrownBy(() -> FeatureClassifier.train(unlabelled, FeatureClassifier.Options.defaults(), System.err))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label -1");
    }
}
