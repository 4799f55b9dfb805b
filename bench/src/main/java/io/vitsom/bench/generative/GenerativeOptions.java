package io.vitsom.bench.generative;

import io.vitsom.bench.RunOptions;
import java.nio.file.Path;

/**
 * Options of one generative benchmark ({@code vitsom bench} with a {@code gen_som_attn} or {@code vae} config).
 *
 * @param configFile the model's YAML config
 * @param compareFile a second generative config trained and scored in the same run on the same data and feature
 *     network (the seed compares Gen-SOM-Attn with a VAE this way), or null
 * @param dataDir dataset directory (Fashion-MNIST IDX for the FMNIST scores)
 * @param epochs epochs to train, or null for each config's {@code total_epochs}
 * @param limit train on the first N training images, or null for all
 * @param runs independent runs per model, seeds {@code seed, seed+1, ...}
 * @param seed first seed
 * @param samples generated images scored by FID and IS (and real test images FID compares them with)
 * @param sigma the Gen-SOM-Attn generation noise, or null for the data's own spread around its prototypes
 * @param featureNet a saved feature classifier to score with, or null to train one (saved in {@code out/feature-net})
 * @param featureEpochs epochs of a freshly trained feature classifier
 * @param out output directory
 */
public record GenerativeOptions(Path configFile, Path compareFile, Path dataDir, Integer epochs, Integer limit,
                                int runs, long seed, int samples, Double sigma, Path featureNet, int featureEpochs,
                                Path out) {
    public GenerativeOptions {
        RunOptions.require(epochs, limit, runs);
        if (samples < 2) {
            throw new IllegalArgumentException("--samples must be >= 2 (FID needs a covariance), got " + samples);
        }
        if (sigma != null && !(sigma >= 0 && Double.isFinite(sigma))) {
            throw new IllegalArgumentException("--sigma must be a finite number >= 0, got " + sigma);
        }
        if (featureEpochs <= 0) {
            throw new IllegalArgumentException("--feature-epochs must be > 0, got " + featureEpochs);
        }
    }
}
