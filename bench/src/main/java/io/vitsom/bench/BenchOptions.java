package io.vitsom.bench;

import java.nio.file.Path;
import java.util.List;

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
 * @param model ViT-SOM, URL-SOM or a baseline
 * @param epochEvalLimit images of the training set evaluated after every epoch
 * @param mapSize the baseline's map instead of its default (the config's map for the Kohonen SOM, 8x8 for DESOM
 *     and SOM-VAE), or null; ViT-SOM and URL-SOM always use their config's map
 * @param projectionEpochs ViT-SOM epochs after which the latent space is projected to 2-D (projection-epoch-N.png);
 *     every model is projected once after training (projection.png)
 * @param evalLimit evaluate on the first N images of each evaluated set (the training and test splits under split,
 *     train+test under reference), or null for all of them; training is not affected
 */
public record BenchOptions(Path configFile, Path dataDir, Integer epochs, Integer limit, int runs, long seed,
                           Protocol protocol, Path out, ModelKind model, int epochEvalLimit, MapSize mapSize,
                           List<Integer> projectionEpochs, Integer evalLimit) {
    /** Options that evaluate on the whole evaluated sets. */
    public BenchOptions(Path configFile, Path dataDir, Integer epochs, Integer limit, int runs, long seed,
                        Protocol protocol, Path out, ModelKind model, int epochEvalLimit, MapSize mapSize,
                        List<Integer> projectionEpochs) {
        this(configFile, dataDir, epochs, limit, runs, seed, protocol, out, model, epochEvalLimit, mapSize,
                projectionEpochs, null);
    }

    /** Options with the model's default map and no per-epoch projection. */
    public BenchOptions(Path configFile, Path dataDir, Integer epochs, Integer limit, int runs, long seed,
                        Protocol protocol, Path out, ModelKind model, int epochEvalLimit) {
        this(configFile, dataDir, epochs, limit, runs, seed, protocol, out, model, epochEvalLimit, null, List.of());
    }

    public BenchOptions {
        projectionEpochs = List.copyOf(projectionEpochs);
        if (projectionEpochs.stream().anyMatch(e -> e <= 0)) {
            throw new IllegalArgumentException("--projection-epochs must be > 0, got " + projectionEpochs);
        }
        if (mapSize != null && (model == ModelKind.VIT_SOM || model == ModelKind.URL_SOM)) {
            throw new IllegalArgumentException("--map applies to the baselines; " + (model == ModelKind.VIT_SOM
                    ? "ViT-SOM" : "URL-SOM") + " takes its map from the config");
        }
        RunOptions.require(epochs, limit, runs);
        if (evalLimit != null && evalLimit <= 0) {
            throw new IllegalArgumentException("--eval-limit must be > 0, got " + evalLimit);
        }
    }
}
