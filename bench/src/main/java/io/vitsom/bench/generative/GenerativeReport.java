package io.vitsom.bench.generative;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.bench.InterruptedRun;
import io.vitsom.bench.RunStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one generative benchmark measured: {@code results.json} and {@code results.md}. The JSON's top-level
 * {@code runs}, {@code mean} and {@code std} are the first config's model (as every other benchmark's are);
 * {@code models} lists every model of the run, the compared one included, each with its own.
 *
 * @param dataset dataset name
 * @param config the first config file
 * @param compareConfig the compared config file, or null
 * @param trainImages training images each model saw per epoch
 * @param testImages test images reconstructions were scored on
 * @param limit {@code --limit}, or null
 * @param samples generated (and real test) images FID and IS were computed on
 * @param device the DJL device
 * @param machine the machine, in words
 * @param reference what real images score with the same classifier
 * @param models each model's runs
 */
public record GenerativeReport(String dataset, String config, String compareConfig, int trainImages, int testImages,
                               Integer limit, int samples, String device, String machine, Reference reference,
                               List<ModelResult> models) {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The seed's reconstruction MSE (Gen-SOM-Attn 0.048, VAE 0.052; it gives no FID or IS values). */
    static final Map<String, Double> SEED_MSE = Map.of("gen_som_attn", 0.048, "vae", 0.052);

    /**
     * Real images through the same feature classifier: the scores a perfect generator would approach.
     *
     * @param isRealTest IS of the real test images scored
     * @param fidTrainVsTest FID between as many real training images and the test images
     * @param classifierAccuracy the classifier's test accuracy
     * @param classifier how the classifier was obtained
     */
    public record Reference(double isRealTest, double fidTrainVsTest, double classifierAccuracy, ObjectNode classifier) {
    }

    /** One epoch's mean loss and the training seconds so far. */
    public record Epoch(int epoch, double loss, double seconds) {
    }

    /**
     * One finished run of one model.
     *
     * @param extra kind-specific values: Gen-SOM-Attn's generation sigma, dead units, latent reconstruction MSE,
     *     test purity and NMI of its map
     */
    public record Run(long seed, double reconMse, double fid, double is, double isStd, long params,
                      double trainSeconds, double imagesPerSecond, double evalSeconds, double peakRssMb,
                      Map<String, Double> extra, List<Epoch> epochs) {
        Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("recon_mse", reconMse);
            m.put("fid_fmnist", fid);
            m.put("is_fmnist", is);
            m.put("is_fmnist_std", isStd);
            m.put("params", (double) params);
            m.put("train_seconds", trainSeconds);
            m.put("images_per_second", imagesPerSecond);
            m.put("eval_seconds", evalSeconds);
            m.put("peak_rss_mb", peakRssMb);
            m.putAll(extra);
            return m;
        }
    }

    /** One model's runs; {@code interrupted} is the run a stop cut short, or null. */
    public record ModelResult(String model, String config, int epochs, int batchSize, long params, List<Run> runs,
                              InterruptedRun interrupted) {
        /** Mean (or sample std) of each metric over the finished runs; empty without any. */
        Map<String, Double> stat(boolean std) {
            Map<String, Double> out = new LinkedHashMap<>();
            if (runs.isEmpty()) {
                return out;
            }
            List<String> keys = new ArrayList<>(runs.get(0).metrics().keySet());
            List<double[]> rows = new ArrayList<>();
            for (Run r : runs) {
                Map<String, Double> m = r.metrics();
                rows.add(keys.stream().mapToDouble(k -> m.getOrDefault(k, Double.NaN)).toArray());
            }
            double[] s = RunStats.stat(rows, std);
            for (int i = 0; i < keys.size(); i++) {
                out.put(keys.get(i), s[i]);
            }
            return out;
        }
    }

    /** Whether a stop cut a run short. */
    public boolean incomplete() {
        return models.stream().anyMatch(m -> m.interrupted() != null);
    }

    /** Writes {@code results.json} and {@code results.md} into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), JSON.writeValueAsString(toJson()));
        Files.writeString(dir.resolve("results.md"), markdown());
    }

    ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("task", "generative");
        o.put("model", models.get(0).model());
        o.put("dataset", dataset);
        o.put("config", config);
        if (compareConfig != null) {
            o.put("compare_config", compareConfig);
        }
        o.put("protocol", "split");
        o.put("train_images", trainImages);
        o.put("test_images", testImages);
        if (limit != null) {
            o.put("limit", limit);
        }
        o.put("scored_samples", samples);
        o.put("device", device);
        o.put("machine", machine);
        ObjectNode ref = o.putObject("reference");
        put(ref, "is_fmnist_real_test", reference.isRealTest());
        put(ref, "fid_fmnist_real_train_vs_test", reference.fidTrainVsTest());
        ObjectNode classifier = ref.putObject("feature_classifier");
        put(classifier, "test_accuracy", reference.classifierAccuracy());
        classifier.setAll(reference.classifier());
        o.put("scores", "FID (FMNIST classifier features) and IS (FMNIST classifier): computed with this project's "
                + "own Fashion-MNIST classifier, not an Inception network; not comparable with published FID/IS");
        writeModel(o, models.get(0));
        ArrayNode all = o.putArray("models");
        for (ModelResult m : models) {
            ObjectNode mo = all.addObject();
            mo.put("model", m.model());
            mo.put("config", m.config());
            mo.put("epochs", m.epochs());
            mo.put("batch_size", m.batchSize());
            mo.put("params", m.params());
            writeModel(mo, m);
        }
        return o;
    }

    private static void writeModel(ObjectNode o, ModelResult m) {
        ArrayNode runs = o.putArray("runs");
        for (Run r : m.runs()) {
            ObjectNode ro = runs.addObject();
            ro.put("seed", r.seed());
            r.metrics().forEach((k, v) -> put(ro, k, v));
            ArrayNode epochs = ro.putArray("epochs");
            for (Epoch e : r.epochs()) {
                ObjectNode eo = epochs.addObject();
                eo.put("epoch", e.epoch());
                put(eo, "loss", e.loss());
                put(eo, "seconds", e.seconds());
            }
        }
        ObjectNode mean = o.putObject("mean");
        m.stat(false).forEach((k, v) -> put(mean, k, v));
        ObjectNode std = o.putObject("std");
        m.stat(true).forEach((k, v) -> put(std, k, v));
        if (m.interrupted() != null) {
            m.interrupted().writeTo(o.putObject("interrupted_run"));
        }
    }

    private static void put(ObjectNode o, String key, double value) {
        if (Double.isFinite(value)) {
            o.put(key, value);
        } else {
            o.putNull(key);
        }
    }

    /** The tables of {@code results.md}. */
    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# Generative benchmark: %s on %s%n%n", String.join(" vs ",
                models.stream().map(ModelResult::model).toList()), dataset));
        md.append(String.format(Locale.ROOT, "Split protocol: trained on %d training images%s, scored on the test "
                        + "split (%d images; FID and IS on %d generated vs %d real test images). Machine: %s, device %s."
                        + "%n%n", trainImages, limit == null ? "" : " (--limit " + limit + ")", testImages, samples,
                samples, machine, device));
        md.append("FID and IS are computed with this project's own Fashion-MNIST classifier (test accuracy ")
                .append(String.format(Locale.ROOT, "%.4f", reference.classifierAccuracy()))
                .append("), not with Inception: \"FID (FMNIST classifier features)\" and \"IS (FMNIST classifier)\" are"
                        + " comparable between the rows of this table only.\n\n");
        md.append("| model | params | epochs | recon MSE | seed's MSE | FID (FMNIST classifier features) | "
                + "IS (FMNIST classifier) | train s | img/s |\n|---|---|---|---|---|---|---|---|---|\n");
        for (ModelResult m : models) {
            Map<String, Double> mean = m.stat(false);
            Map<String, Double> std = m.stat(true);
            if (m.runs().isEmpty()) {
                md.append(String.format(Locale.ROOT, "| %s | %,d | %d | (no finished run) | | | | | |%n", m.model(),
                        m.params(), m.epochs()));
                continue;
            }
            Double seed = SEED_MSE.get(m.model());
            md.append(String.format(Locale.ROOT, "| %s | %,d | %d | %s | %s | %s | %s | %.0f | %.0f |%n", m.model(),
                    m.params(), m.epochs(), cell(mean, std, "recon_mse", 4), seed == null ? "" : String.format(
                            Locale.ROOT, "%.3f", seed), cell(mean, std, "fid_fmnist", 2),
                    cell(mean, std, "is_fmnist", 2), mean.get("train_seconds"), mean.get("images_per_second")));
        }
        md.append(String.format(Locale.ROOT, "| real images (reference) | | | | | %.2f (training vs test images) | "
                + "%.2f (test images) | | |%n%n", reference.fidTrainVsTest(), reference.isRealTest()));
        for (ModelResult m : models) {
            if (!m.runs().isEmpty() && !m.runs().get(0).extra().isEmpty()) {
                md.append("**").append(m.model()).append("** (mean over runs): ");
                List<String> parts = new ArrayList<>();
                m.stat(false).forEach((k, v) -> {
                    if (m.runs().get(0).extra().containsKey(k)) {
                        parts.add(String.format(Locale.ROOT, "%s %.4g", k, v));
                    }
                });
                md.append(String.join(", ", parts)).append("\n\n");
            }
            if (m.interrupted() != null) {
                md.append(m.interrupted().markdown(m.runs().size()));
            }
        }
        md.append("Seed paper 004 reports reconstruction MSE 0.048 (Gen-SOM-Attn) vs 0.052 (VAE) on Fashion-MNIST after"
                + " 20 epochs and gives no FID or IS values.\n");
        return md.toString();
    }

    private static String cell(Map<String, Double> mean, Map<String, Double> std, String key, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", mean.get(key), std.get(key));
    }
}
