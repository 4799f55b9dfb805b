package io.vitsom.bench;

import java.nio.file.Path;

/**
 * Options of one clustering benchmark.
 *
 * @param configFile the YAML config
 * @param dataDir dataset directory (or .tar.gz)
 * @param epochs epochs to train, or null for the config's {@code total_epochs}
 * @param limit train on the first N images of the training set, or null for all
 * @param runs independent runs with seeds {@code seed, seed+1, ...}
 * @param seed first seed
 * @param protocol split or reference
 * @param out output directory
 * @param model ViT-SOM or the Kohonen baseline
 * @param epochEvalLimit images of the training set evaluated after every epoch
 */
public record BenchOptions(Path configFile, Path dataDir, Integer epochs, Integer limit, int runs, long seed,
                           Protocol protocol, Path out, ModelKind model, int epochEvalLimit) {
    public BenchOptions {
        if (epochs != null && epochs <= 0) {
            throw new IllegalArgumentException("--epochs must be > 0, got " + epochs);
        }
        if (limit != null && limit <= 0) {
            throw new IllegalArgumentException("--limit must be > 0, got " + limit);
        }
        if (runs <= 0) {
            throw new IllegalArgumentException("--runs must be > 0, got " + runs);
        }
    }
}
