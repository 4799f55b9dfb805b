package io.vitsom.bench;

import io.vitsom.bench.classify.ClassificationBench;
import io.vitsom.bench.classify.ClassificationOptions;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.model.data.Splits;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vitsom bench}: train from scratch on a dataset and report clustering purity/NMI like the paper. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train ViT-SOM (or the Kohonen SOM baseline) from scratch on a dataset and report purity and NMI.",
                "Classification configs (num_classes > 0) report test accuracy and macro P/R/F1 instead (results.json, results.md, model/).",
                "Writes results.json, results.md, prototypes.png, label_map.png, hits.png and model/ into --out."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "YAML config, e.g. configs/vit_som_mnist.yaml")
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

    @Option(names = "--model", defaultValue = "vit_som", description = "vit_som or som (Kohonen SOM on pixels) (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--out", description = "output directory (default: runs/bench-<dataset>-<model>)")
    Path out;

    @Option(names = "--epoch-eval-limit", defaultValue = "10000",
            description = "training images evaluated after every epoch (default: ${DEFAULT-VALUE})")
    int epochEvalLimit;

    @Override
    public Integer call() throws Exception {
        Protocol p = switch (protocol.toLowerCase(Locale.ROOT)) {
            case "split" -> Protocol.SPLIT;
            case "reference" -> Protocol.REFERENCE;
            default -> throw new IllegalArgumentException("--protocol must be split or reference, got " + protocol);
        };
        ModelKind kind = switch (model.toLowerCase(Locale.ROOT)) {
            case "vit_som", "vit-som" -> ModelKind.VIT_SOM;
            case "som" -> ModelKind.SOM;
            default -> throw new IllegalArgumentException("--model must be vit_som or som, got " + model);
        };
        VitSomConfig cfg = ConfigLoader.load(config);
        System.err.println("loading " + data + " ...");
        Splits splits = DatasetLoader.load(data, null);
        // --- classification configs (num_classes > 0): the reference's classification protocol ---
        if (cfg.classification()) {
            if (kind != ModelKind.VIT_SOM || p != Protocol.SPLIT) {
                throw new IllegalArgumentException("classification configs take neither --model som nor --protocol "
                        + "reference: they train the config's model_arch on the 80/20 train/validation cut");
            }
            Path clsDir = out != null ? out
                    : Path.of("runs", "bench-" + splits.name() + "-" + ClassificationBench.modelLabel(cfg));
            new ClassificationBench(new ClassificationOptions(config, data, epochs, limit, runs, seed, clsDir),
                    System.out).run(cfg, splits);
            return 0;
        }
        // --- end classification ---
        Path dir = out != null ? out : Path.of("runs", "bench-" + splits.name() + "-" + kind.label());
        BenchOptions options = new BenchOptions(config, data, epochs, limit, runs, seed, p, dir, kind, epochEvalLimit);
        new ClusteringBench(options, System.out).run(cfg, splits);
        return 0;
    }
}
