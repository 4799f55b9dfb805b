package io.vitsom.model.urlsom;

import io.vitsom.model.TestConfigs;
import io.vitsom.model.map.MapModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.SplittableRandom;

/** URL-SOM configs for the tests: the shipped ones, and a tiny one that trains in milliseconds. */
final class UrlSomTestConfigs {
    /**
     * A 4x4 map over a 1-block-per-stage ResNet of widths [4, 8, 16] (depth 2 + 2 * 1 * 3 = 8) on 8x8x3 images,
     * batch 8, a constant learning rate 0.01 after step 0 (warm-up [0.001, 0.01] switching at epoch 1).
     */
    static final String TINY = """
            hyperparameters:
              model_arch: url_som
              total_epochs: 3
              batch_size: 8
              gamma: 2.0
              early_stopping_patience: 0
              map:
                map_size: [4, 4]
                kernel: gaussian
                sigma: 0.5
                projection_dropout: 0.0
                projection_l2: 0.0005
              backbone:
                depth: 8
                widths: [4, 8, 16]
                activation: elu
              optimizer:
                type: adam
                beta_1: 0.9
                beta_2: 0.999
                warmup_lr: [0.001, 0.01]
                warmup_epochs: [1]
              augment:
                crop: [6, 8]
                horizontal_flip: 0.5
                color_jitter: [0.4, 0.4, 0.4, 0.1]
                color_jitter_p: 0.8
                grayscale_p: 0.2
            data:
              dataset: tiny
              num_classes: 0
              num_channels: 3
              input_size: 8
            """;

    private UrlSomTestConfigs() {
    }

    static UrlSomConfig tiny() {
        return UrlSomConfig.parse(TINY, "tiny");
    }

    /** {@link #TINY} with both views equal to the input (no crop, flip, jitter or grayscale). */
    static UrlSomConfig tinyWithoutAugmentation() {
        return UrlSomConfig.parse(TINY.replace("crop: [6, 8]", "crop: [8, 8]")
                .replace("horizontal_flip: 0.5", "horizontal_flip: 0.0")
                .replace("color_jitter: [0.4, 0.4, 0.4, 0.1]", "color_jitter: [0, 0, 0, 0]")
                .replace("color_jitter_p: 0.8", "color_jitter_p: 0")
                .replace("grayscale_p: 0.2", "grayscale_p: 0"), "tiny without augmentation");
    }

    /** {@link #TINY} with {@code from} replaced by {@code to} (which must occur). */
    static String tinyWith(String from, String to) {
        if (!TINY.contains(from)) {
            throw new IllegalArgumentException("the tiny config has no '" + from + "'");
        }
        return TINY.replace(from, to);
    }

    /** {@code configs/<name>} as text. */
    static String text(String name) {
        try {
            return Files.readString(TestConfigs.dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code configs/<name>} read through {@link MapModels}. */
    static UrlSomConfig load(String name) {
        try {
            return (UrlSomConfig) MapModels.load(TestConfigs.dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code count} images of {@code config}'s input, uniform in [0, 1]. */
    static float[] randomImages(UrlSomConfig config, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] images = new float[count * config.imageFloats()];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextDouble();
        }
        return images;
    }
}
