package io.vitsom.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.bench.maps.MapQuality;
import io.vitsom.model.checkpoint.CodeVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a clustering benchmark: {@code results.json} (schema of the issue: model, config,
 * dataset, epochs, limit, device, params, runs, mean, std) and {@code results.md} (a paper-style table with
 * mean ± std over runs, the paper's number beside ours, and purity per epoch).
 *
 * @param runs the finished runs (none when a stop came during the first)
 * @param interrupted the run a stop interrupted, or null when every run finished; the files then say
 *     {@code "incomplete": true}
 * @param evalLimit the evaluation used the first N images of each evaluated set ({@code --eval-limit}), or null when
 *     it used all of them
 */
public record BenchReport(String model, String config, String dataset, Protocol protocol, int epochs, Integer limit,
                          int trainImages, int batchSize, String device, String machine, long params,
                          List<RunMetrics> runs, InterruptedRun interrupted, Integer evalLimit) {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public BenchReport {
        runs = List.copyOf(runs);
        if (runs.isEmpty() && interrupted == null) {
            throw new IllegalArgumentException("a report needs a finished or an interrupted run");
        }
    }

    /** A report evaluated on the whole evaluated sets. */
    public BenchReport(String model, String config, String dataset, Protocol protocol, int epochs, Integer limit,
                       int trainImages, int batchSize, String device, String machine, long params,
                       List<RunMetrics> runs, InterruptedRun interrupted) {
        this(model, config, dataset, protocol, epochs, limit, trainImages, batchSize, device, machine, params, runs,
                interrupted, null);
    }

    /** A report of finished runs only. */
    public BenchReport(String model, String config, String dataset, Protocol protocol, int epochs, Integer limit,
                       int trainImages, int batchSize, String device, String machine, long params,
                       List<RunMetrics> runs) {
        this(model, config, dataset, protocol, epochs, limit, trainImages, batchSize, device, machine, params, runs,
                null);
    }

    /** Whether a stop cut the benchmark short. */
    public boolean incomplete() {
        return interrupted != null;
    }

    /** Writes {@code results.json} and {@code results.md} into {@code dir}. */
    public void write(Path dir) throws IOException {
        JSON.writeValue(dir.resolve("results.json").toFile(), json());
        Files.writeString(dir.resolve("results.md"), markdown());
    }

    ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", model);
        root.put("config", config);
        root.put("dataset", dataset);
        root.put("protocol", protocol.name().toLowerCase(Locale.ROOT));
        root.put("epochs", epochs);
        if (limit == null) {
            root.putNull("limit");
        } else {
            root.put("limit", limit);
        }
        root.put("train_images", trainImages);
        if (evalLimit == null) {
            root.putNull("eval_limit");
        } else {
            root.put("eval_limit", evalLimit);
        }
        root.put("batch_size", batchSize);
        root.put("device", device);
        root.put("machine", machine);
        root.put("code_version", CodeVersion.describe());
        root.put("finished", Instant.now().toString());
        root.put("params", params);
        root.put("incomplete", incomplete());
        if (interrupted != null) {
            interrupted.writeTo(root.putObject("interrupted_run"));
        }
        ArrayNode runArray = root.putArray("runs");
        for (RunMetrics r : runs) {
            ObjectNode o = runArray.addObject();
            o.put("seed", r.seed());
            putAll(o, r.values());
            ArrayNode epochsNode = o.putArray("epoch_log");
            for (RunMetrics.EpochLog e : r.epochLog()) {
                ObjectNode en = epochsNode.addObject();
                en.put("epoch", e.epoch());
                putNumber(en, "loss", e.loss());
                putNumber(en, "purity", e.purity());
                putNumber(en, "nmi", e.nmi());
                putNumber(en, "seconds", e.seconds());
            }
        }
        putAll(root.putObject("mean"), stat(false));
        putAll(root.putObject("std"), stat(true));
        return root;
    }

    private static void putAll(ObjectNode o, double[] values) {
        for (int i = 0; i < values.length; i++) {
            putNumber(o, RunMetrics.KEYS.get(i), values[i]);
        }
    }

    private static void putNumber(ObjectNode o, String key, double value) {
        if (Double.isNaN(value)) {
            o.putNull(key);
        } else {
            o.put(key, value);
        }
    }

    /** Mean (or sample standard deviation, 0 for a single run) of every metric over the runs. */
    double[] stat(boolean std) {
        if (runs.isEmpty()) {
            double[] none = new double[RunMetrics.KEYS.size()];
            java.util.Arrays.fill(none, Double.NaN);
            return none;
        }
        return RunStats.stat(runs.stream().map(RunMetrics::values).toList(), std);
    }

    /** The paper-style Markdown table. */
    public String markdown() {
        double[] mean = stat(false);
        double[] std = stat(true);
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(model).append(" on ").append(dataset).append("\n\n");
        if (interrupted != null) {
            sb.append(interrupted.markdown(runs.size()));
        }
        if (runs.isEmpty()) {
            return sb.toString();
        }
        sb.append(String.format(Locale.ROOT, "Protocol `%s`, %d epoch(s), %d training images%s, batch %d, %d run(s) "
                        + "(seeds %d..%d), device %s; %s. Config `%s`, code %s.%n%n",
                protocol.name().toLowerCase(Locale.ROOT), epochs, trainImages,
                limit == null ? "" : " (--limit " + limit + ")", batchSize, runs.size(), runs.get(0).seed(),
                runs.get(runs.size() - 1).seed(), device, machine, config, CodeVersion.describe()));
        if (evalLimit != null) {
            sb.append(String.format(Locale.ROOT, "**Evaluated on a subsample**: the first %d images of each evaluated "
                    + "set (`--eval-limit`), not all of them.%n%n", evalLimit));
        }
        sb.append("| Model | Purity (train) | NMI (train) | Purity (test) | NMI (test) | Purity (all) | NMI (all) "
                + "| # Params | Train time (s) | Inference time (s) | Train img/s | Peak RSS (MB) |\n");
        sb.append("| :--- |").append(" :---: |".repeat(11)).append('\n');
        sb.append("| ").append(model).append(" (ours)");
        int own = RunMetrics.KEYS.size() - MapQuality.KEYS.size();
        for (int i = 0; i < own; i++) {
            if (i == 6) {
                sb.append(" | ").append(formatParams(params));
            }
            sb.append(" | ").append(cell(mean[i], std[i], i < 6 ? 3 : 1));
        }
        sb.append(" |\n");
        PaperNumbers.purity(model, dataset, config).ifPresent(p -> sb.append(String.format(Locale.ROOT,
                "| %s (paper, train+test protocol, its full training on a GPU) | | | | | %s | | %s | | | | |%n",
                model, p.purity(), p.params())));
        sb.append("\nOn the evaluated set (").append(protocol == Protocol.REFERENCE ? "train+test" : "test split")
                .append("): purity/NMI after Ward grouping of the units into k = classes and k = 64 clusters, ")
                .append("quantization and topographic error, trustworthiness and neighbourhood preservation (latent ")
                .append("space vs. BMU grid positions, k = 10), for ViT-SOM k-means (k = classes) on the latent, ")
                .append("neural selectivity (each unit's share of images with its majority label, averaged over the ")
                .append("units that win an image; weighted by hits it is the purity above) and dead units (win none):")
                .append("\n\n|");
        MapQuality.KEYS.forEach(k -> sb.append(' ').append(k).append(" |"));
        sb.append("\n|").append(" :---: |".repeat(MapQuality.KEYS.size())).append("\n|");
        for (int i = own; i < RunMetrics.KEYS.size(); i++) {
            int decimals = MapQuality.COUNT_KEYS.contains(RunMetrics.KEYS.get(i)) ? 1 : 3;
            sb.append(' ').append(cell(mean[i], std[i], decimals)).append(" |");
        }
        sb.append('\n');
        sb.append("\nPurity and NMI after each epoch (first run, on up to the first training images shown):\n\n");
        sb.append("| Epoch | Loss | Purity | NMI | Train seconds |\n| ---: | ---: | ---: | ---: | ---: |\n");
        for (RunMetrics.EpochLog e : runs.get(0).epochLog()) {
            sb.append(String.format(Locale.ROOT, "| %d | %s | %.4f | %.4f | %.0f |%n", e.epoch(),
                    Double.isNaN(e.loss()) ? "-" : String.format(Locale.ROOT, "%.4f", e.loss()), e.purity(), e.nmi(),
                    e.seconds()));
        }
        return sb.toString();
    }

    private static String cell(double mean, double std, int decimals) {
        if (Double.isNaN(mean)) {
            return "-";
        }
        String f = "%." + decimals + "f ± %." + decimals + "f";
        return String.format(Locale.ROOT, f, mean, std);
    }

    private static String formatParams(long params) {
        return params >= 1_000_000 ? String.format(Locale.ROOT, "%.2fM", params / 1e6)
                : String.format(Locale.ROOT, "%.0fK", params / 1e3);
    }
}
