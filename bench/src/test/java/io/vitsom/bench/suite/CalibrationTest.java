package io.vitsom.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.bench.ModelKind;
import io.vitsom.bench.suite.SuiteDatasets.Cell;
import io.vitsom.bench.suite.SuiteDatasets.Task;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.train.StopSignal;
import io.vitsom.model.urlsom.UrlSomConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CalibrationTest {
    /** A 4x4 map on a ResNet-8 of widths 4/8/8 over 8x8 gray images: a step takes milliseconds. */
    static final String TINY_URL_SOM = """
            hyperparameters:
              model_arch: url_som
              total_epochs: 2
              batch_size: 32
              gamma: 2.0
              early_stopping_patience: 0
              map: {map_size: [4, 4], kernel: gaussian, sigma: 0.5, projection_dropout: 0.0, projection_l2: 0.0005}
              backbone: {depth: 8, widths: [4, 8, 8], activation: elu}
              optimizer: {type: adam, beta_1: 0.9, beta_2: 0.999, warmup_lr: [0.001, 0.01], warmup_epochs: [1]}
              augment: {crop: [6, 8], horizontal_flip: 0.5, color_jitter: [0.4, 0.4, 0.0, 0.0], color_jitter_p: 0.8,
                        grayscale_p: 0.0}
            data: {dataset: synthetic, num_classes: 0, num_channels: 1, input_size: 8}
            """;

    /** {@code n} 8x8 gray images of two classes, a bright left or right half, with noise. */
    static ImageSet halves(int n, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int p = 0; p < 64; p++) {
                boolean left = p % 8 < 4;
                pixels[i * 64 + p] = (byte) ((left == (labels[i] == 0) ? 200 : 20) + random.nextInt(40));
            }
        }
        return new ImageSet("halves", 1, 8, 8, pixels, labels, List.of());
    }

    private static Cell urlSomCell() {
        return new Cell("url_som", "halves", Task.CLUSTERING, Path.of("halves"), Path.of("url_som_tiny.yaml"),
                ModelKind.URL_SOM, null);
    }

    @Test
    void aUrlSomCalibrationMeasuresTrainingSpeedAndEvaluationCost() {
        MapModelConfig config = MapModels.parse(TINY_URL_SOM, "url_som_tiny.yaml");

        Calibration.Measured m = new Calibration(new StopSignal()).measure(urlSomCell(), config, halves(64, 1),
                halves(32, 2), 7);

        assertThat(m.trainImagesPerSecond()).isFinite().isPositive();
        assertThat(m.assignSecondsPerImage()).isFinite().isPositive();
        assertThat(m.quality()).isNotNull();
        assertThat(m.quality().sampledSeconds(32)).isFinite().isNotNegative();
        assertThat(m.artifactSeconds()).isFinite().isPositive();
        assertThat(m.seconds()).isFinite().isPositive();
    }

    @Test
    void urlSomCalibratesOnASmallBatchOnACpuAndOnTheConfigsBatchOnAGpu() {
        UrlSomConfig config = (UrlSomConfig) MapModels.parse(TINY_URL_SOM.replace("batch_size: 32", "batch_size: 256"),
                "url_som_tiny.yaml");
        assertThat(Calibration.calibrationBatch(config, 50_000, false)).isEqualTo(Calibration.URL_SOM_CPU_BATCH);
        assertThat(Calibration.calibrationBatch(config, 50_000, true)).isEqualTo(256);
        assertThat(Calibration.calibrationBatch(config, 10, false)).isEqualTo(10);
        UrlSomConfig small = config.withBatchSize(8);
        assertThat(Calibration.calibrationBatch(small, 50_000, false)).isEqualTo(8);
    }

    @Test
    void aCellWhoseConfigIsOfAnotherModelFailsNamingBoth() {
        MapModelConfig config = MapModels.parse(TINY_URL_SOM, "url_som_tiny.yaml");
        Cell som = new Cell("som", "halves", Task.CLUSTERING, Path.of("halves"), Path.of("url_som_tiny.yaml"),
                ModelKind.SOM, null);
        assertThatThrownBy(() -> new Calibration(new StopSignal()).measure(som, config, halves(8, 1), halves(8, 2), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--model som does not train from a url_som config");
    }
}
