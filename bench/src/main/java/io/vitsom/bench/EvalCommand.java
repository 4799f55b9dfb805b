package io.vitsom.bench;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.bench.classify.ClassificationBench;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.model.data.Splits;
import io.vitsom.model.metrics.ClassificationMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vitsom eval}: reload a checkpoint and evaluate it with the protocol it was trained under. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Reload a checkpoint (e.g. <bench out>/model) and evaluate purity/NMI on a dataset.")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "checkpoint directory")
    Path checkpoint;

    @Option(names = "--data", description = "dataset directory (default: the one the checkpoint was trained on)")
    Path data;

    @Option(names = "--protocol", description = "split or reference (default: the checkpoint's)")
    String protocol;

    @Option(names = "--limit", description = "limit of the training set (default: the checkpoint's)")
    Integer limit;

    @Option(names = "--out", description = "also write the metrics as JSON to this file")
    Path out;

    @Override
    public Integer call() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint.Loaded loaded = Checkpoint.load(checkpoint, manager);
            JsonNode prov = loaded.metadata().provenance();
            Path dataDir = data != null ? data : Path.of(prov.path("data_path").asText("."));
            if (loaded.config().classification()) {
                return evaluateClassifier(loaded, manager, dataDir);
            }
            Protocol p = Protocol.valueOf((protocol != null ? protocol : prov.path("protocol").asText("split"))
                    .toUpperCase(Locale.ROOT));
            Integer lim = limit != null ? limit : prov.hasNonNull("limit") ? prov.get("limit").asInt() : null;
            System.err.println("loading " + dataDir + " ...");
            Splits splits = DatasetLoader.load(dataDir, null);
            ClusteringBench.Data selected = ClusteringBench.select(splits, p, lim);
            ClusteringBench.requireShape(loaded.config(), selected.all() != null ? selected.all() : selected.train());
            ClusteringBench.Evaluation eval = ClusteringBench.evaluate(selected,
                    set -> loaded.model().bmus(set, ClusteringBench.EVAL_BATCH));
            ObjectNode result = BenchReport.JSON.createObjectNode();
            result.put("checkpoint", checkpoint.toString());
            result.put("step", loaded.metadata().step());
            result.put("protocol", p.name().toLowerCase(Locale.ROOT));
            put(result, "purity_train", eval.train(), true);
            put(result, "nmi_train", eval.train(), false);
            put(result, "purity_test", eval.test(), true);
            put(result, "nmi_test", eval.test(), false);
            put(result, "purity_all", eval.all(), true);
            put(result, "nmi_all", eval.all(), false);
            result.put("inference_seconds", eval.inferenceSeconds());
            String text = BenchReport.JSON.writeValueAsString(result);
            System.out.println(text);
            if (out != null) {
                Files.writeString(out, text);
            }
        }
        return 0;
    }

    private int evaluateClassifier(Checkpoint.Loaded loaded, NDManager manager, Path dataDir) throws Exception {
        System.err.println("loading " + dataDir + " ...");
        Splits splits = DatasetLoader.load(dataDir, null);
        long t0 = System.nanoTime();
        ClassificationMetrics m = ClassificationBench.evaluateTest(loaded.vitSom(), manager, splits);
        ObjectNode result = BenchReport.JSON.createObjectNode();
        result.put("checkpoint", checkpoint.toString());
        result.put("step", loaded.metadata().step());
        result.put("protocol", "classification");
        result.put("accuracy", m.accuracy());
        result.put("macro_precision", m.macroPrecision());
        result.put("macro_recall", m.macroRecall());
        result.put("macro_f1", m.macroF1());
        result.put("inference_seconds", (System.nanoTime() - t0) / 1e9);
        String text = BenchReport.JSON.writeValueAsString(result);
        System.out.println(text);
        if (out != null) {
            Files.writeString(out, text);
        }
        return 0;
    }

    private static void put(ObjectNode o, String key, Clustering c, boolean purity) {
        if (c == null) {
            o.putNull(key);
        } else {
            o.put(key, purity ? c.purity() : c.nmi());
        }
    }
}
