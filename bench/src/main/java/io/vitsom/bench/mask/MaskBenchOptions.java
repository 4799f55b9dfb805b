package io.vitsom.bench.mask;

import io.vitsom.bench.RunOptions;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@code vitsom bench --config configs/som_mask_*.yaml} was asked: the config, the data, overrides and the
 * output folder.
 *
 * @param config the config file (named in the result files)
 * @param data the dataset folder or archive (named in the provenance)
 * @param epochs epochs of every arm, or null for the config's {@code total_epochs}
 * @param limit the first {@code limit} training images only, or null for all (the test split is always whole)
 * @param runs runs of every arm, each with its own seed
 * @param seed the first run's seed; run {@code r} uses {@code seed + r}
 * @param out the folder the results are written to
 */
public record MaskBenchOptions(Path config, Path data, Integer epochs, Integer limit, int runs, long seed, Path out) {
    public MaskBenchOptions {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(out, "out");
        RunOptions.require(epochs, limit, runs);
    }
}
