package io.vitsom.bench.suite;

import io.vitsom.bench.BenchReport;
import io.vitsom.bench.RunMetrics;
import io.vitsom.bench.RunStats;
import io.vitsom.bench.classify.ClassificationReport;
import io.vitsom.bench.classify.ClassificationRunMetrics;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One finished (dataset, model) cell of the suite: mean and sample std (0 for one run) over its seeds of every
 * metric its bench reports ({@link RunMetrics#KEYS} or {@link ClassificationRunMetrics#KEYS}), NaN where the
 * protocol has none.
 *
 * @param seed first seed; {@code runs} seeds {@code seed, seed+1, ...}
 * @param imagesPerSecond the calibrated training speed the epochs came from (NaN when no budget was given)
 * @param out the run's own results folder
 * @param budget how the cell's time was planned and spent, or null when the suite had no budget
 */
public record SuiteRun(String model, String dataset, SuiteDatasets.Task task, int epochs, long seed, int runs,
                       double imagesPerSecond, long params, Map<String, Double> mean, Map<String, Double> std,
                       String out, Budget budget) {
    public SuiteRun {
        mean = Collections.unmodifiableMap(new LinkedHashMap<>(mean));
        std = Collections.unmodifiableMap(new LinkedHashMap<>(std));
    }

    /** A run of a suite without a budget. */
    public SuiteRun(String model, String dataset, SuiteDatasets.Task task, int epochs, long seed, int runs,
                    double imagesPerSecond, long params, Map<String, Double> mean, Map<String, Double> std,
                    String out) {
        this(model, dataset, task, epochs, seed, runs, imagesPerSecond, params, mean, std, out, null);
    }

    /**
     * How a budgeted cell's time was planned (with the time left when it started) and spent.
     *
     * @param calibrationSeconds its calibration, before the suite's plan
     * @param plannedTrainSeconds training the plan expected, every seed
     * @param plannedEvalSeconds everything else the plan expected: evaluation, pictures, loading its dataset
     * @param actualSeconds the cell's wall time, from loading its dataset to its results written
     * @param evalLimit the evaluation used the first N images of each evaluated set, or null for all of them
     */
    public record Budget(double calibrationSeconds, double plannedTrainSeconds, double plannedEvalSeconds,
                         double actualSeconds, Integer evalLimit) {
        /** Everything the plan expected. */
        public double plannedSeconds() {
            return plannedTrainSeconds + plannedEvalSeconds;
        }
    }

    /** This run with its budget record. */
    public SuiteRun withBudget(Budget budget) {
        return new SuiteRun(model, dataset, task, epochs, seed, runs, imagesPerSecond, params, mean, std, out, budget);
    }

    /** Training seconds actually spent, every seed. */
    public double actualTrainSeconds() {
        return mean("train_seconds") * runs;
    }

    /** A metric's mean, NaN when absent. */
    public double mean(String key) {
        return mean.getOrDefault(key, Double.NaN);
    }

    /** A metric's std, NaN when absent. */
    public double std(String key) {
        return std.getOrDefault(key, Double.NaN);
    }

    static SuiteRun of(SuiteDatasets.Cell cell, BenchReport report, long seed, double imagesPerSecond, String out) {
        List<double[]> values = report.runs().stream().map(RunMetrics::values).toList();
        return new SuiteRun(cell.model(), cell.dataset(), cell.task(), report.epochs(), seed, values.size(),
                imagesPerSecond, report.params(), stats(RunMetrics.KEYS, values, false),
                stats(RunMetrics.KEYS, values, true), out);
    }

    static SuiteRun of(SuiteDatasets.Cell cell, ClassificationReport report, long seed, double imagesPerSecond,
                       String out) {
        List<double[]> values = report.runs().stream().map(ClassificationRunMetrics::values).toList();
        return new SuiteRun(cell.model(), cell.dataset(), cell.task(), report.epochs(), seed, values.size(),
                imagesPerSecond, report.params(), stats(ClassificationRunMetrics.KEYS, values, false),
                stats(ClassificationRunMetrics.KEYS, values, true), out);
    }

    /**
     * The {@code kmeans_latent} row of a {@code vit_som} run: k-means (k = classes) on its latent, measured on the set
     * the protocol evaluates ({@code purity_test}/{@code nmi_test} under split, {@code purity_all}/{@code nmi_all}
     * under reference); the costs are the vit_som run's, and the map metrics do not apply.
     */
    static SuiteRun kmeansLatent(SuiteRun vitSom) {
        boolean reference = !Double.isNaN(vitSom.mean("purity_all"));
        Map<String, Double> mean = derived(vitSom.mean(), reference);
        Map<String, Double> std = derived(vitSom.std(), reference);
        return new SuiteRun(SuiteDatasets.KMEANS_LATENT, vitSom.dataset(), vitSom.task(), vitSom.epochs(),
                vitSom.seed(), vitSom.runs(), vitSom.imagesPerSecond(), vitSom.params(), mean, std, vitSom.out(), null);
    }

    private static Map<String, Double> derived(Map<String, Double> vitSom, boolean reference) {
        Map<String, Double> out = new LinkedHashMap<>();
        vitSom.forEach((k, v) -> out.put(k, Double.NaN));
        for (String k : List.of("train_seconds", "inference_seconds", "train_images_per_second", "peak_rss_mb")) {
            out.put(k, vitSom.getOrDefault(k, Double.NaN));
        }
        String set = reference ? "all" : "test";
        out.put("purity_" + set, vitSom.getOrDefault("purity_kmeans_latent", Double.NaN));
        out.put("nmi_" + set, vitSom.getOrDefault("nmi_kmeans_latent", Double.NaN));
        return out;
    }

    /** Mean, or sample std (0 for a single run), of each key over the runs' value arrays. */
    static Map<String, Double> stats(List<String> keys, List<double[]> runs, boolean std) {
        double[] values = RunStats.stat(runs, std);
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            out.put(keys.get(i), values[i]);
        }
        return out;
    }
}
