package io.vitsom.bench.classify;

import java.nio.file.Path;

/**
 * Options of one classification benchmark.
 *
 * @param configFile the YAML config (num_classes > 0)
 * @param dataDir dataset directory (or .tar.gz)
 * @param epochs epochs to train, or null for the config's {@code total_epochs}
 * @param limit use a seed-0 random sample of N images of the training split (then cut 80/20), or null for all
 * @param runs independent runs with seeds {@code seed, seed+1, ...}
 * @param seed first seed (weights, shuffling, augmentation); the train/validation cut always uses seed 0
 * @param out output directory
 */
public record ClassificationOptions(Path configFile, Path dataDir, Integer epochs, Integer limit, int runs, long seed,
                                    Path out) {
    public ClassificationOptions {
        if (epochs != null && epochs <= 0) {
            throw new IllegalArgumentException("--epochs must be > 0, got " + epochs);
        }
        if (limit != null && limit <= 1) {
            throw new IllegalArgumentException("--limit must be > 1 (train and validation), got " + limit);
        }
        if (runs <= 0) {
            throw new IllegalArgumentException("--runs must be > 0, got " + runs);
        }
    }
}
