package io.vitsom.bench;

import io.vitsom.bench.classify.ClassificationBench;
import io.vitsom.bench.classify.ClassificationOptions;
import io.vitsom.bench.generative.GenerativeBench;
import io.vitsom.bench.generative.GenerativeOptions;
import io.vitsom.bench.mask.MaskBench;
import io.vitsom.bench.mask.MaskBenchOptions;
import io.vitsom.model.config.ConfigNode;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.model.data.Splits;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.sommask.SomMaskConfig;
import io.vitsom.model.train.StopSignal;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vitsom bench}: train from scratch on a dataset and report clustering purity/NMI like the paper. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train ViT-SOM, URL-SOM (a url_som config) or a baseline (Kohonen SOM on pixels, DESOM, SOM-VAE) "
                        + "from scratch on a dataset and report purity and NMI, grouped purity, QE/TE, trustworthiness and "
                        + "a t-SNE of the latent.",
                "Classification configs (num_classes > 0) report test accuracy and macro P/R/F1 instead (results.json, results.md, model/).",
                "Generative configs (gen_som_attn, vae; --compare for both in one run) report reconstruction MSE, "
                        + "FID (FMNIST classifier features) and IS (FMNIST classifier), with prototypes.png, "
                        + "unit-samples.png or samples.png, reconstructions.png and model/.",
                "SOM-mask configs (som_mask) report test accuracy, active neurons and per-epoch curves of the network "
                        + "and its comparison arms (curves.png).",
                "Writes results.json, results.md, prototypes.png, label_map.png, hits.png, winners.png, projection.png and "
                        + "(ViT-SOM, URL-SOM) model/ "
                        + "into --out.",
                "SIGTERM or Ctrl-C stops at the next training step, writes the finished runs (the interrupted one marked "
                        + "incomplete) and exits with 143 (130 for Ctrl-C)."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "YAML config, e.g. configs/vit_som_mnist.yaml or "
            + "configs/url_som_mnist.yaml (its model_arch picks the model)")
    Path config;

    @Option(names = "--data", required = true, description = "dataset directory (IDX, CIFAR binary, image folders or .tar.gz)")
    Path data;

    @Option(names = "--epochs", description = "epochs to train (default: the config's total_epochs)")
    Integer epochs;

    @Option(names = "--limit", description = "train on the first N images of the training set")
    Integer limit;

    @Option(names = "--runs", defaultValue = "1", description = "independent runs, seeds S, S+1, ... (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--seed", defaultValue = "0", description = "first seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--protocol", defaultValue = "split",
            description = "split: train on train, evaluate train and test; reference: the paper's train+test protocol (default: ${DEFAULT-VALUE})")
    String protocol;

    @Option(names = "--model",
            description = "vit_som, url_som, som (Kohonen SOM on pixels), desom or som_vae (default: the config's "
                    + "model_arch; a url_som config trains url_som only, the others read a ViT-SOM config)")
    String model;

    @Option(names = "--map", description = "a baseline's map as ROWSxCOLS (default: the config's for som, 8x8 for "
            + "desom and som_vae as in their papers)")
    String map;

    @Option(names = "--projection-epochs", split = ",",
            description = "ViT-SOM epochs after which to write a t-SNE of the latent (projection-epoch-N.png), e.g. 1,5,10")
    java.util.List<Integer> projectionEpochs = java.util.List.of();

    @Option(names = "--out", description = "output directory (default: runs/bench-<dataset>-<model>)")
    Path out;

    @Option(names = "--eval-limit", description = "evaluate on the first N images of each evaluated set (training and "
            + "test split, or train+test under reference) instead of all; results say so (default: all)")
    Integer evalLimit;

    @Option(names = "--compare", description = "generative configs: a second config (e.g. configs/vae_fmnist.yaml) trained "
            + "and scored in the same run, on the same data and feature classifier; its files go to OUT/<model_arch>/")
    Path compare;

    @Option(names = "--samples", defaultValue = "10000", description = "generative configs: generated images (and real "
            + "test images) FID and IS are computed on (default: ${DEFAULT-VALUE}, at most the test split)")
    int samples;

    @Option(names = "--sigma", description = "gen_som_attn: generation noise sigma around a prototype (default: the "
            + "data's own RMS distance to its prototypes in the latent)")
    Double sigma;

    @Option(names = "--feature-net", description = "generative configs: a saved feature classifier (OUT/feature-net of "
            + "an earlier run) to score FID/IS with, instead of training one")
    Path featureNet;

    @Option(names = "--feature-epochs", defaultValue = "3", description = "generative configs: epochs of the feature "
            + "classifier trained for FID/IS when no --feature-net is given (default: ${DEFAULT-VALUE})")
    int featureEpochs;

    @Option(names = "--epoch-eval-limit", defaultValue = "10000",
            description = "training images evaluated after every epoch (default: ${DEFAULT-VALUE})")
    int epochEvalLimit;

    @Override
    public Integer call() throws Exception {
        // Closed after the result files are written and every model is freed: only then may a SIGTERM's exit proceed.
        try (StopSignal stop = StopSignal.installOnShutdown(StopSignal.DEFAULT_MAX_WAIT, System.err)) {
            return run(stop);
        }
    }

    private int run(StopSignal stop) throws Exception {
        Protocol p = Protocol.parse(protocol);
        MapSize mapSize = map == null ? null : MapSize.parse(map);
        String arch = ConfigNode.modelArch(config);
        if (GenerativeBench.ARCHS.contains(arch)) {
            return runGenerative(stop);
        }
        if (SomMaskConfig.MODEL_ARCH.equals(arch)) {
            return runMask(stop);
        }
        if (compare != null || sigma != null || featureNet != null) {
            throw new IllegalArgumentException("--compare, --sigma and --feature-net apply to generative configs "
                    + "(model_arch gen_som_attn or vae) only");
        }
        MapModelConfig cfg = MapModels.load(config);
        ModelKind kind = ModelKind.resolve(model, cfg);
        System.err.println("loading " + data + " ...");
        Splits splits = DatasetLoader.load(data, null);
        // --- classification configs (num_classes > 0): the reference's classification protocol ---
        if (cfg.classification()) {
            if (kind != ModelKind.VIT_SOM || p != Protocol.SPLIT || mapSize != null || evalLimit != null) {
                throw new IllegalArgumentException("classification configs take no --model, --map, --eval-limit or --protocol "
                        + "reference: they train the config's model_arch on the 80/20 train/validation cut");
            }
            Path clsDir = out != null ? out
                    : Path.of("runs", "bench-" + splits.name() + "-"
                            + ClassificationBench.modelLabel((VitSomConfig) cfg));
            boolean incomplete = new ClassificationBench(new ClassificationOptions(config, data, epochs, limit, runs, seed,
                    clsDir), System.out, stop).run((VitSomConfig) cfg, splits).incomplete();
            return incomplete ? StopSignal.EXIT_STOPPED : 0;
        }
        // --- end classification ---
        Path dir = out != null ? out : Path.of("runs", "bench-" + splits.name() + "-" + kind.label());
        BenchOptions options = new BenchOptions(config, data, epochs, limit, runs, seed, p, dir, kind, epochEvalLimit,
                mapSize, projectionEpochs, evalLimit);
        boolean incomplete = new ClusteringBench(options, System.out, stop).run(cfg, splits).incomplete();
        return incomplete ? StopSignal.EXIT_STOPPED : 0;
    }

    private int runMask(StopSignal stop) throws Exception {
        if (model != null || map != null || evalLimit != null || !protocol.equals("split") || !projectionEpochs.isEmpty()
                || compare != null || sigma != null || featureNet != null) {
            throw new IllegalArgumentException("som_mask configs take no --model, --map, --eval-limit, "
                    + "--projection-epochs, --protocol reference, --compare, --sigma or --feature-net: they train on the "
                    + "training split and report test accuracy of the config's network and its comparison arms");
        }
        SomMaskConfig cfg = SomMaskConfig.load(config);
        System.err.println("loading " + data + " ...");
        Splits splits = DatasetLoader.load(data, null);
        Path dir = out != null ? out : Path.of("runs", "bench-" + splits.name() + "-som-mask");
        boolean incomplete = new MaskBench(new MaskBenchOptions(config, data, epochs, limit, runs, seed, dir),
                System.out, stop).run(cfg, splits).incomplete();
        return incomplete ? StopSignal.EXIT_STOPPED : 0;
    }

    private int runGenerative(StopSignal stop) throws Exception {
        if (model != null || map != null || evalLimit != null || !protocol.equals("split") || !projectionEpochs.isEmpty()) {
            throw new IllegalArgumentException("generative configs (gen_som_attn, vae) take no --model, --map, "
                    + "--eval-limit, --projection-epochs or --protocol reference: they train on the training split and "
                    + "score on the test split");
        }
        System.err.println("loading " + data + " ...");
        Splits splits = DatasetLoader.load(data, null);
        Path dir = out != null ? out : Path.of("runs", "bench-" + splits.name() + "-generative");
        GenerativeOptions options = new GenerativeOptions(config, compare, data, epochs, limit, runs, seed, samples,
                sigma, featureNet, featureEpochs, dir);
        boolean incomplete = new GenerativeBench(options, System.out, stop).run(splits).incomplete();
        return incomplete ? StopSignal.EXIT_STOPPED : 0;
    }
}
