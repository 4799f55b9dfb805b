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
        return replaced(yaml, "seed", replace);
    }

    /**
     * {@link TinyGenSom#standard()} trained as the seed trains (20 epochs of 64 images), with {@code replace}
     * applied.
     */
    static GenSomConfig tiny(String... replace) {
        String yaml = TinyGenSom.standard().withTraining(20, 64, 0.005).yaml();
        return GenSomConfig.parse(replaced(yaml, "tiny", replace), "tiny");
    }

    /** {@code yaml} with each {@code replace[i]} (even i) replaced by {@code replace[i + 1]}; each must occur. */
    private static String replaced(String yaml, String name, String... replace) {
        for (int i = 0; i < replace.length; i += 2) {
            if (!yaml.contains(replace[i])) {
                throw new IllegalArgumentException("no '" + replace[i] + "' in the " + name + " yaml");
            }
            yaml = yaml.replace(replace[i], replace[i + 1]);
        }
        return yaml;
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
