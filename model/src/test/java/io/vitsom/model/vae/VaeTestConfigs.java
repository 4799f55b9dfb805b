package io.vitsom.model.vae;

import io.vitsom.model.TestConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

/** VAE configs and images for the tests: the shipped config, and a tiny one that trains in milliseconds. */
final class VaeTestConfigs {
    /** 8x8x1 images, encoder [4, 8] (8 -> 4 -> 2), latent 3, decoder [8, 4], Adam 0.01. */
    static final String TINY = """
            hyperparameters:
              model_arch: vae
              total_epochs: 2
              batch_size: 8
              latent_dim: 3
              beta: 1.0
              reconstruction: bce
              encoder:
                widths: [4, 8]
              decoder:
                widths: [8, 4]
              optimizer:
                type: adam
                learning_rate: 0.01
                beta_1: 0.9
                beta_2: 0.999
            data:
              dataset: tiny
              num_classes: 0
              num_channels: 1
              input_size: 8
            """;

    private VaeTestConfigs() {
    }

    static VaeConfig tiny() {
        return VaeConfig.parse(TINY, "tiny");
    }

    /** {@code configs/vae_fmnist.yaml}. */
    static VaeConfig fmnist() {
        try {
            return VaeConfig.load(TestConfigs.dir().resolve("vae_fmnist.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code count} 8x8 images: a bright square at one of four corners (by index) on faint noise. */
    static float[] corners(int count, long seed) {
        Random random = new Random(seed);
        float[] out = new float[count * 64];
        for (int i = 0; i < count; i++) {
            int r0 = (i % 2) * 4;
            int c0 = ((i / 2) % 2) * 4;
            for (int r = 0; r < 8; r++) {
                for (int c = 0; c < 8; c++) {
                    boolean lit = r >= r0 && r < r0 + 4 && c >= c0 && c < c0 + 4;
                    out[i * 64 + r * 8 + c] = lit ? 0.9f : 0.1f * random.nextFloat();
                }
            }
        }
        return out;
    }
}
