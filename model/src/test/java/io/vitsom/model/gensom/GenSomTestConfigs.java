package io.vitsom.model.gensom;

import java.util.Random;

/** Configs and synthetic images for the Gen-SOM-Attn tests. */
final class GenSomTestConfigs {
    private GenSomTestConfigs() {
    }

    /** The seed's setting as {@code configs/gen_som_attn_fmnist.yaml} writes it, with {@code replace} applied. */
    static String seedYaml(String... replace) {
        String yaml = """
                hyperparameters:
                  model_arch: gen_som_attn
                  total_epochs: 20
                  batch_size: 64
                  latent_dim: 32
                  decoder_training: both
                  encoder:
                    widths: [32, 64]
                  attention:
                    over: spatial
                    heads: 4
                    readout: flatten
                  decoder:
                    widths: [64, 32]
                  som:
                    map_size: [12, 12]
                    eta_start: 0.5
                    eta_end: 0.01
                    sigma_start: 6.0
                    sigma_end: 0.5
                    init: first_batch
                    init_noise: 0.01
                  optimizer:
                    type: adam
                    learning_rate: 0.001
                    beta_1: 0.9
                    beta_2: 0.999
                data:
                  dataset: fashion-mnist
                  num_classes: 0
                  num_channels: 1
                  input_size: 28
                """;
        for (int i = 0; i < replace.length; i += 2) {
            if (!yaml.contains(replace[i])) {
                throw new IllegalArgumentException("no '" + replace[i] + "' in the seed yaml");
            }
            yaml = yaml.replace(replace[i], replace[i + 1]);
        }
        return yaml;
    }

    /** A small network on 28x28 gray images: widths 4/8, latent 8, 3x3 map, 2 heads. */
    static GenSomConfig tiny(String... replace) {
        String[] base = {"latent_dim: 32", "latent_dim: 8", "widths: [32, 64]", "widths: [4, 8]",
            "widths: [64, 32]", "widths: [8, 4]", "heads: 4", "heads: 2", "map_size: [12, 12]", "map_size: [3, 3]",
            "sigma_start: 6.0", "sigma_start: 1.5", "learning_rate: 0.001", "learning_rate: 0.005"};
        String[] all = new String[base.length + replace.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(replace, 0, all, base.length, replace.length);
        return GenSomConfig.parse(seedYaml(all), "tiny");
    }

    /**
     * {@code count} 28x28 gray images: a bright bar (horizontal or vertical, by image parity) at a random offset on
     * a dark background, with a little noise, so that images differ and have structure to learn.
     */
    static float[] images(int count, long seed) {
        Random random = new Random(seed);
        float[] out = new float[count * 28 * 28];
        for (int i = 0; i < count; i++) {
            int at = 4 + random.nextInt(18);
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    boolean bar = i % 2 == 0 ? r >= at && r < at + 5 : c >= at && c < at + 5;
                    float v = (bar ? 0.9f : 0.05f) + 0.05f * (float) random.nextDouble();
                    out[i * 784 + r * 28 + c] = v;
                }
            }
        }
        return out;
    }
}
