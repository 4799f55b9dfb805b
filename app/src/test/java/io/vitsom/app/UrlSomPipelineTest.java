package io.vitsom.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitsom.model.map.MapModels;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline with a URL-SOM instead of a ViT-SOM, wired as {@code vitsom run --config
 * configs/url_som_*.yaml} wires it: nothing in the services names the model, so the same learner, checkpoints,
 * serving and prototype records must work for it. A small URL-SOM (a 5x5 map over a narrow ResNet) keeps it quick;
 * 300 MNIST images are replayed.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class UrlSomPipelineTest {
    private static final int IMAGES = 300;
    private static final String CONFIG = """
            hyperparameters:
              model_arch: url_som
              total_epochs: 10
              batch_size: 32
              gamma: 2.0
              early_stopping_patience: 0
              map:
                map_size: [5, 5]
                kernel: gaussian
                sigma: 0.6
                projection_dropout: 0.0
                projection_l2: 0.0005
              backbone:
                depth: 8
                widths: [4, 8, 8]
                activation: elu
              optimizer:
                type: adam
                beta_1: 0.9
                beta_2: 0.999
                warmup_lr: [0.001, 0.005]
                warmup_epochs: [2]
              augment:
                crop: [19, 28]
                horizontal_flip: 0.0
                color_jitter: [0.4, 0.4, 0.0, 0.0]
                color_jitter_p: 0.8
                grayscale_p: 0.0
            data:
              dataset: mnist
              num_classes: 0
              num_channels: 1
              input_size: 28
            """;

    @TempDir
    Path work;

    @Test
    void aUrlSomLearnsCheckpointsPublishesAndServes() throws Exception {
        MapModelPipelineRun.run(work, MapModels.parse(CONFIG, "tiny url_som"), IMAGES, outcome -> {
            // URL-SOM's distance is 1 - the winning probability.
            assertThat(outcome.assignments()).allSatisfy(b -> assertThat(b.distance()).isBetween(0.0, 1.0 - 1.0 / 25));
            // Unit pictures: the mean of the recent images each unit won, for the units that won any.
            assertThat(outcome.prototypes()).allSatisfy(p -> assertThat(p.dim()).as("a unit's projection row")
                    .isEqualTo(8));
            assertThat(outcome.prototypes().stream().filter(p -> p.imagePng() != null).count()).isPositive();
        });
    }
}
