package io.vitsom.bench.classify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.bench.InterruptedRun;
import io.vitsom.bench.RunStats;
import io.vitsom.model.checkpoint.CodeVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a classification benchmark: {@code results.json} (the clustering results' top-level style:
 * model, config, dataset, protocol, epochs, limit, seeds, device, machine, params, runs, mean, std) and
 * {@code results.md} (a paper-style row, mean ± std over runs, the paper's accuracy beside ours, and
 * validation accuracy per epoch).
 *
 * @param model {@code vit_som_cls} or {@code vit}
 * @param params trainable parameters of the whole model (decoder and SOM included)
 * @param paramsEncoderHead trainable parameters of encoder + head (what the paper's 5.4M counts)
 * @param runs the finished runs (none when a stop came during the first)
 * @param interrupted the run a stop interrupted, or null when every run finished; the files then say
 *     {@code "incomplete": true}
 */
public record ClassificationReport(String model, String config, String dataset, int epochs, Integer limit,
                                   int trainImages, int validationImages, int testImages, int batchSize,
                                   String device, String machine, long params, long paramsEncoderHead,
                                   List<ClassificationRunMetrics> runs, InterruptedRun interrupted) {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** How the data were used, for the result files. */
    static final String PROTOCOL = "classification: training split cut 80/20 into train/validation (seed 0), "
            + "train transform on train only, eval transform on validation and test, metrics on the test split";

    public ClassificationReport {
        runs = List.copyOf(runs);
        if (runs.isEmpty() && interrupted == null) {
            throw new IllegalArgumentException("a report needs at least one run");
        }
    }

    /** A report of finished runs only. */
    public ClassificationReport(String model, String config, String dataset, int epochs, Integer limit,
                                int trainImages, int validationImages, int testImages, int batchSize, String device,
                                String machine, long params, long paramsEncoderHead,
                                List<ClassificationRunMetrics> runs) {
        this(model, config, dataset, epochs, limit, trainImages, validationImages, testImages, batchSize, device,
                machine, params, paramsEncoderHead, runs, null);
    }

    /** Whether a stop cut the benchmark short. */
    public boolean incomplete() {
        return interrupted != null;
    }

    /** Writes {@code results.json} and {@code results.md} into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("results.json").toFile(), json());
        Files.writeString(dir.resolve("results.md"), markdown());
    }

    ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("task", "classification");
        root.put("model", model);
        root.put("config", config);
        root.put("dataset", dataset);
        root.put("protocol", "classification");
        root.put("protocol_description", PROTOCOL);
        root.put("epochs", epochs);
        if (limit == null) {
            root.putNull("limit");
        } else {
            root.put("limit", limit);
        }
        root.put("train_images", trainImages);
        root.put("validation_images", validationImages);
        root.put("test_images", testImages);
        root.put("batch_size", batchSize);
        ArrayNode seeds = root.putArray("seeds");
        runs.forEach(r -> seeds.add(r.seed()));
        root.put("device", device);
        root.put("machine", machine);
        root.put("code_version", CodeVersion.describe());
        root.put("finished", Instant.now().toString());
        root.put("params", params);
        root.put("params_encoder_head", paramsEncoderHead);
        ClassificationPaperNumbers.accuracy(model, dataset).ifPresentOrElse(
                p -> root.put("paper_accuracy", Double.parseDouble(p)), () -> root.putNull("paper_accuracy"));
        root.put("incomplete", incomplete());
        if (interrupted != null) {
            interrupted.writeTo(root.putObject("interrupted_run"));
        }
        ArrayNode runArray = root.putArray("runs");
        for (ClassificationRunMetrics r : runs) {
            ObjectNode o = runArray.addObject();
            o.put("seed", r.seed());
            putAll(o, r.values());
            ArrayNode epochsNode = o.putArray("epoch_log");
            for (ClassificationRunMetrics.EpochLog e : r.epochLog()) {
                ObjectNode en = epochsNode.addObject();
                en.put("epoch", e.epoch());
                putNumber(en, "loss", e.loss());
                putNumber(en, "val_accuracy", e.validationAccuracy());
                putNumber(en, "seconds", e.seconds());
            }
        }
        putAll(root.putObject("mean"), stat(false));
        putAll(root.putObject("std"), stat(true));
        return root;
    }

    private static void putAll(ObjectNode o, double[] values) {
        for (int i = 0; i < values.length; i++) {
            putNumber(o, ClassificationRunMetrics.KEYS.get(i), values[i]);
        }
    }

    private static void putNumber(ObjectNode o, String key, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            o.putNull(key);
        } else {
            o.put(key, value);
        }
    }

    /** Mean (or sample standard deviation, 0 for a single run) of every metric over the runs. */
    double[] stat(boolean std) {
        if (runs.isEmpty()) {
            double[] none = new double[ClassificationRunMetrics.KEYS.size()];
            java.util.Arrays.fill(none, Double.NaN);
            return none;
        }
        return RunStats.stat(runs.stream().map(ClassificationRunMetrics::values).toList(), std);
    }

    /** The paper-style Markdown table. */
    public String markdown() {
        double[] mean = stat(false);
        double[] std = stat(true);
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(model).append(" on ").append(dataset).append(" (classification)\n\n");
        if (interrupted != null) {
            sb.append(interrupted.markdown(runs.size()));
        }
        if (runs.isEmpty()) {
            return sb.toString();
        }
        sb.append(String.format(Locale.ROOT, "%d epoch(s), %d train / %d validation images (80/20 cut of the training "
                        + "split, seed 0%s), %d test images, batch %d, %d run(s) (seeds %d..%d), device %s; %s. "
                        + "Config `%s`, code %s.%n%n",
                epochs, trainImages, validationImages, limit == null ? "" : ", --limit " + limit, testImages, batchSize,
                runs.size(), runs.get(0).seed(), runs.get(runs.size() - 1).seed(), device, machine, config,
                CodeVersion.describe()));
        sb.append("| Model | Accuracy (test) | Paper accuracy | Macro precision | Macro recall | Macro F1 | Val accuracy "
                + "| # Params (all / enc+head) | Train time (s) | Train img/s | Inference time (s) | Inference img/s "
                + "| Peak RSS (MB) |\n");
        sb.append("| :--- |").append(" :---: |".repeat(12)).append('\n');
        String paper = ClassificationPaperNumbers.accuracy(model, dataset).map(p -> p + " (5.4M, 200-500 epochs, GPU)")
                .orElse("-");
        sb.append("| ").append(model).append(" (ours)");
        for (int i = 0; i < ClassificationRunMetrics.KEYS.size(); i++) {
            if (i == 1) {
                sb.append(" | ").append(paper);
            }
            if (i == 5) {
                sb.append(" | ").append(formatParams(params)).append(" / ").append(formatParams(paramsEncoderHead));
            }
            sb.append(" | ").append(cell(mean[i], std[i], i < 5 ? 3 : 1));
        }
        sb.append(" |\n");
        sb.append("\nValidation accuracy after each epoch (first run):\n\n");
        sb.append("| Epoch | Loss | Val accuracy | Train seconds |\n| ---: | ---: | ---: | ---: |\n");
        for (ClassificationRunMetrics.EpochLog e : runs.get(0).epochLog()) {
            sb.append(String.format(Locale.ROOT, "| %d | %.4f | %.4f | %.0f |%n", e.epoch(), e.loss(),
                    e.validationAccuracy(), e.seconds()));
        }
        return sb.toString();
    }

    private static String cell(double mean, double std, int decimals) {
        if (Double.isNaN(mean)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", mean, std);
    }

    static String formatParams(long params) {
        return params >= 1_000_000 ? String.format(Locale.ROOT, "%.2fM", params / 1e6)
                : String.format(Locale.ROOT, "%.0fK", params / 1e3);
    }
}
