package io.vitsom.bench.suite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.bench.suite.SuiteDatasets.Skipped;
import io.vitsom.bench.suite.SuiteDatasets.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import io.vitsom.bench.Protocol;

/**
 * The suite's outcome: {@code suite.json} (runs, skipped, failed, machine, budget, code version) and
 * {@code suite.md} (the paper's clustering and classification tables, rows = models, columns = datasets, our mean
 * ± std with the epochs run and the paper's number beside it; the cost of every run; what was skipped or failed).
 *
 * @param budgetMinutes the whole budget, or null when each run took its config's total_epochs
 * @param incomplete why the files hold fewer cells than planned, or null when every planned cell ran
 * @param budget the calibration, the plan and the time used, or null without a budget
 */
public record SuiteReport(List<SuiteRun> runs, List<Skipped> skipped, List<Failure> failed, String machine,
                          Double budgetMinutes, String codeVersion, Protocol protocol, Incomplete incomplete,
                          BudgetSummary budget) {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String CLASSIFICATION_METRIC = "accuracy";
    /** The metric the URL-SOM paper reports ({@link PaperLookup#neuralSelectivity}). */
    static final String NEURAL_SELECTIVITY = "neural_selectivity";
    /** A column of the fair-comparison table: its label, its metric (null: the protocol's purity) and decimals. */
    record QualityColumn(String label, String key, int decimals) {
    }

    /** The fair-comparison table's columns, in order. */
    static final List<QualityColumn> QUALITY_COLUMNS = List.of(new QualityColumn("Purity (units)", null, 3),
            new QualityColumn("Purity (k = classes)", "purity_k_classes", 3),
            new QualityColumn("NMI (k = classes)", "nmi_k_classes", 3), new QualityColumn("Purity (k = 64)", "purity_k64", 3),
            new QualityColumn("QE", "quantization_error", 3), new QualityColumn("TE", "topographic_error", 3),
            new QualityColumn("Trustworthiness", "trustworthiness", 3),
            new QualityColumn("Neighbourhood preservation", "neighbourhood_preservation", 3),
            new QualityColumn("Neural selectivity", SuiteReport.NEURAL_SELECTIVITY, 3),
            new QualityColumn("Dead units", "dead_units", 1));

    /**
     * What the budget bought: the calibration, the plan made after it (before any training) and the wall time used.
     *
     * @param budgetSeconds the whole budget
     * @param calibrationSeconds every cell's calibration and the dataset loading it needed
     * @param plan the plan of every calibrated cell made after the calibration
     * @param elapsedSeconds wall time of the suite when the files were written
     */
    public record BudgetSummary(double budgetSeconds, double calibrationSeconds, List<BudgetSplit.CellPlan> plan,
                                double elapsedSeconds) {
        public BudgetSummary {
            plan = List.copyOf(plan);
        }

        /** The calibration and the plan's cells: what the suite expected to take before training. */
        public double expectedSeconds() {
            return calibrationSeconds + plan.stream().mapToDouble(BudgetSplit.CellPlan::seconds).sum();
        }
    }

    /** A planned cell that threw; the suite goes on with the next one. */
    public record Failure(String model, String dataset, Task task, String reason) {
    }

    /**
     * Why the suite's files hold fewer cells than planned: they are written after every cell while the suite runs (so
     * a killed suite keeps its finished cells), or a stop (SIGTERM, Ctrl-C) ended it.
     *
     * @param reason what happened, e.g. "in progress" or the stop's reason
     * @param interrupted the cell that was running (its own folder holds its partial results), or null
     * @param notStarted the planned cells that never started
     */
    public record Incomplete(String reason, SuiteDatasets.Cell interrupted, List<SuiteDatasets.Cell> notStarted) {
        public Incomplete {
            Objects.requireNonNull(reason, "reason");
            notStarted = List.copyOf(notStarted);
        }
    }

    public SuiteReport {
        Objects.requireNonNull(protocol, "protocol");
        runs = List.copyOf(runs);
        skipped = List.copyOf(skipped);
        failed = List.copyOf(failed);
    }

    /** A report of a suite that ran every planned cell. */
    public SuiteReport(List<SuiteRun> runs, List<Skipped> skipped, List<Failure> failed, String machine,
                       Double budgetMinutes, String codeVersion, Protocol protocol) {
        this(runs, skipped, failed, machine, budgetMinutes, codeVersion, protocol, null, null);
    }

    /** A report without the budget's plan. */
    public SuiteReport(List<SuiteRun> runs, List<Skipped> skipped, List<Failure> failed, String machine,
                       Double budgetMinutes, String codeVersion, Protocol protocol, Incomplete incomplete) {
        this(runs, skipped, failed, machine, budgetMinutes, codeVersion, protocol, incomplete, null);
    }

    /** Writes {@code suite.json} and {@code suite.md} into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("suite.json").toFile(), json());
        Files.writeString(dir.resolve("suite.md"), markdown());
    }

    ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode runArray = root.putArray("runs");
        for (SuiteRun r : runs) {
            ObjectNode o = runArray.addObject();
            o.put("model", r.model());
            o.put("dataset", r.dataset());
            o.put("task", r.task().label());
            o.put("epochs", r.epochs());
            o.put("seed", r.seed());
            o.put("runs", r.runs());
            putNumber(o, "calibrated_images_per_second", r.imagesPerSecond());
            o.put("params", r.params());
            putAll(o.putObject("metrics"), r.mean());
            putAll(o.putObject("metrics_std"), r.std());
            Optional<String> paper = paper(r.model(), r.dataset(), r.task());
            if (paper.isPresent()) {
                o.put("paper", paper.get());
            } else {
                o.putNull("paper");
            }
            Optional<String> paperNs = r.task() == Task.CLUSTERING
                    ? PaperLookup.neuralSelectivity(r.model(), r.dataset()) : Optional.empty();
            if (paperNs.isPresent()) {
                o.put("paper_neural_selectivity", paperNs.get());
            } else {
                o.putNull("paper_neural_selectivity");
            }
            o.put("out", r.out());
            if (r.budget() != null) {
                SuiteRun.Budget b = r.budget();
                ObjectNode bo = o.putObject("budget");
                putNumber(bo, "calibration_seconds", b.calibrationSeconds());
                putNumber(bo, "planned_train_seconds", b.plannedTrainSeconds());
                putNumber(bo, "planned_eval_seconds", b.plannedEvalSeconds());
                putNumber(bo, "planned_seconds", b.plannedSeconds());
                putNumber(bo, "actual_train_seconds", r.actualTrainSeconds());
                putNumber(bo, "actual_seconds", b.actualSeconds());
                putLimit(bo, b.evalLimit());
            }
        }
        ArrayNode skippedArray = root.putArray("skipped");
        for (Skipped s : skipped) {
            ObjectNode o = skippedArray.addObject();
            o.put("model", s.model());
            o.put("dataset", s.dataset());
            o.put("task", s.task().label());
            o.put("reason", s.reason());
        }
        ArrayNode notWired = root.putArray("not_wired");
        SuiteDatasets.NOT_WIRED_CLUSTERING.forEach(notWired::add);
        SuiteDatasets.NOT_WIRED_CLASSIFICATION.forEach(notWired::add);
        ArrayNode failedArray = root.putArray("failed");
        for (Failure f : failed) {
            ObjectNode o = failedArray.addObject();
            o.put("model", f.model());
            o.put("dataset", f.dataset());
            o.put("task", f.task().label());
            o.put("reason", f.reason());
        }
        root.put("machine", machine);
        if (budgetMinutes == null) {
            root.putNull("budget_minutes");
        } else {
            root.put("budget_minutes", budgetMinutes);
        }
        if (budget != null) {
            ObjectNode bo = root.putObject("budget");
            putNumber(bo, "budget_seconds", budget.budgetSeconds());
            putNumber(bo, "calibration_seconds", budget.calibrationSeconds());
            putNumber(bo, "expected_seconds", budget.expectedSeconds());
            putNumber(bo, "elapsed_seconds", budget.elapsedSeconds());
            ArrayNode planArray = bo.putArray("plan");
            for (BudgetSplit.CellPlan p : budget.plan()) {
                ObjectNode po = planArray.addObject();
                po.put("dataset", p.cost().dataset());
                po.put("model", p.cost().model());
                po.put("epochs", p.epochs());
                putLimit(po, p.evalLimit());
                putNumber(po, "planned_train_seconds", p.trainSeconds());
                putNumber(po, "planned_eval_seconds", p.evalSeconds());
                if (p.skipped()) {
                    po.put("skipped", p.skipReason());
                } else {
                    po.putNull("skipped");
                }
            }
        } else {
            root.putNull("budget");
        }
        root.put("code_version", codeVersion);
        root.put("protocol", protocol.name().toLowerCase(Locale.ROOT));
        root.put("incomplete", incomplete != null);
        if (incomplete != null) {
            root.put("incomplete_reason", incomplete.reason());
            if (incomplete.interrupted() == null) {
                root.putNull("interrupted");
            } else {
                putCell(root.putObject("interrupted"), incomplete.interrupted());
            }
            ArrayNode notStarted = root.putArray("not_started");
            incomplete.notStarted().forEach(c -> putCell(notStarted.addObject(), c));
        }
        return root;
    }

    private static void putCell(ObjectNode o, SuiteDatasets.Cell cell) {
        o.put("model", cell.model());
        o.put("dataset", cell.dataset());
        o.put("task", cell.task().label());
    }

    private static void putLimit(ObjectNode o, Integer evalLimit) {
        if (evalLimit == null) {
            o.putNull("eval_limit");
        } else {
            o.put("eval_limit", evalLimit);
        }
    }

    private static void putAll(ObjectNode o, Map<String, Double> values) {
        values.forEach((k, v) -> putNumber(o, k, v));
    }

    private static void putNumber(ObjectNode o, String key, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            o.putNull(key);
        } else {
            o.put(key, value);
        }
    }

    static Optional<String> paper(String model, String dataset, Task task) {
        return task == Task.CLUSTERING ? PaperLookup.clusteringPurity(model, dataset)
                : PaperLookup.classificationAccuracy(model, dataset);
    }

    /** The paper-style Markdown. */
    public String markdown() {
        StringBuilder sb = new StringBuilder("# ViT-SOM benchmark suite\n\n");
        if (incomplete != null) {
            sb.append("**Incomplete** (").append(incomplete.reason()).append("): ");
            if (incomplete.interrupted() != null) {
                sb.append("interrupted in ").append(incomplete.interrupted().dataset()).append(" / ")
                        .append(incomplete.interrupted().model()).append(" (its folder holds what it finished); ");
            }
            sb.append(incomplete.notStarted().size()).append(" planned run(s) not started");
            if (!incomplete.notStarted().isEmpty()) {
                sb.append(": ").append(String.join(", ", incomplete.notStarted().stream()
                        .map(c -> c.dataset() + " / " + c.model()).toList()));
            }
            sb.append(". The tables below hold the finished runs only.\n\n");
        }
        sb.append(budgetMinutes == null
                ? "No budget: every run trained its config's total_epochs."
                : String.format(Locale.ROOT, "Budget %s min of wall time for the whole suite: calibration, dataset "
                        + "loading, training, evaluation and pictures. After a calibration of every cell (training "
                        + "speed, images/s column below, and evaluation cost) each cell got an even share of the time "
                        + "left (re-planned before every cell), spent on its evaluation first and on whole epochs with "
                        + "the rest; see Time budget below.", trim(budgetMinutes)));
        sb.append(" Machine: ").append(machine).append(". Code ").append(codeVersion).append(".\n\n");
        boolean clusteringTable = table(sb, Task.CLUSTERING, (protocol == Protocol.REFERENCE
                        ? "Clustering: purity on train+test after training on train+test (the paper's protocol)"
                        : "Clustering: purity on the test split after training on the training split")
                        + ", units as clusters, mean ± std over seeds (epochs run); the paper's purity (train+test "
                        + "protocol, each model's full training on a GPU) after /",
                SuiteDatasets.CLUSTERING_MODELS, SuiteDatasets.NOT_WIRED_CLUSTERING, clusteringMetric());
        if (clusteringTable) {
            sb.append("url_som (the URL-SOM seed paper's model, `url_som_<dataset>.yaml`) has no paper purity: its paper "
                    + "reports neural selectivity only, on CIFAR-10 (all 60,000 images, 30x30 map): ")
                    .append(PaperLookup.URL_SOM_CIFAR10_NS).append(", beside ours in the fair-comparison table; it "
                            + "gives no URL-SOM numbers for MNIST, Fashion-MNIST or USPS. The other rows have no "
                            + "CIFAR-10 clustering run.\n\n");
        }
        qualityTable(sb);
        table(sb, Task.CLASSIFICATION, "Classification: test accuracy, mean ± std over seeds (epochs run); the "
                        + "paper's accuracy after /",
                SuiteDatasets.CLASSIFICATION_MODELS, SuiteDatasets.NOT_WIRED_CLASSIFICATION, CLASSIFICATION_METRIC);
        sb.append("## Cost of each run\n\n");
        sb.append("| Model | Dataset | Epochs | Seeds | Calibrated img/s | Params | Training time (s) | Inference time (s) "
                + "| Peak memory (MB) | Results |\n");
        sb.append("| :--- | :--- |").append(" ---: |".repeat(7)).append(" :--- |\n");
        for (SuiteRun r : runs) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %s | %s | %s | %s | `%s` |%n", r.model(),
                    r.dataset(), r.epochs(), r.runs(), number(r.imagesPerSecond(), 0), params(r.params()),
                    meanStd(r, "train_seconds", 1), meanStd(r, "inference_seconds", 2), number(r.mean("peak_rss_mb"), 0),
                    r.out()));
        }
        if (runs.isEmpty()) {
            sb.append("| (no runs) | | | | | | | | | |\n");
        }
        budgetSection(sb);
        sb.append("\n## Skipped\n\n");
        if (skipped.isEmpty()) {
            sb.append("nothing\n");
        }
        for (Skipped s : skipped) {
            sb.append("- ").append(s.dataset()).append(s.model().equals("*") ? "" : " / " + s.model()).append(": ")
                    .append(s.reason()).append('\n');
        }
        if (!failed.isEmpty()) {
            sb.append("\n## Failed\n\n");
            for (Failure f : failed) {
                sb.append("- ").append(f.dataset()).append(" / ").append(f.model()).append(": ").append(f.reason())
                        .append('\n');
            }
        }
        return sb.toString();
    }

    /** Writes a task's table when the suite had anything of that task; returns whether it did. */
    private boolean table(StringBuilder sb, Task task, String title, List<String> wired, List<String> notWired,
                          String metric) {
        boolean inSuite = runs.stream().anyMatch(r -> r.task() == task) || skipped.stream().anyMatch(s -> s.task() == task)
                || failed.stream().anyMatch(f -> f.task() == task);
        if (!inSuite) {
            return false;
        }
        List<String> columns = SuiteDatasets.columns(task);
        sb.append("## ").append(title).append("\n\n| Model |");
        columns.forEach(c -> sb.append(' ').append(c).append(" |"));
        sb.append("\n| :--- |").append(" :---: |".repeat(columns.size())).append('\n');
        List<String> rows = new java.util.ArrayList<>(wired);
        runs.stream().filter(r -> r.task() == task).map(SuiteRun::model).filter(m -> !rows.contains(m)).distinct()
                .forEach(rows::add);
        for (String model : rows) {
            sb.append("| ").append(model).append(" |");
            for (String column : columns) {
                sb.append(' ').append(cell(task, model, column, metric)).append(" |");
            }
            sb.append('\n');
        }
        for (String model : notWired) {
            sb.append("| ").append(model).append(" |");
            for (int i = 0; i < columns.size(); i++) {
                sb.append(' ').append(SuiteDatasets.NOT_WIRED_REASON).append(" |");
            }
            sb.append('\n');
        }
        sb.append('\n');
        return true;
    }

    /** The clustering table's metric: what the protocol evaluates. */
    String clusteringMetric() {
        return protocol == Protocol.REFERENCE ? "purity_all" : "purity_test";
    }

    /** Purity after grouping units into k clusters and the SOM-quality metrics of every clustering run. */
    private void qualityTable(StringBuilder sb) {
        List<SuiteRun> clustering = runs.stream().filter(r -> r.task() == Task.CLUSTERING
                && !r.model().equals(SuiteDatasets.KMEANS_LATENT)).toList();
        if (clustering.isEmpty()) {
            return;
        }
        sb.append("## Fair comparison across map sizes, and map quality\n\n");
        sb.append("Purity rises with the number of units, so each map's units are also grouped into k clusters by "
                + "Ward agglomeration of its prototypes (k = number of classes, and k = 64). QE = mean distance to the "
                + "BMU in the model's own distance (not comparable across models), TE = share of samples whose two "
                + "best units are not adjacent, trustworthiness and neighbourhood preservation (k = 10) compare "
                + "neighbourhoods in the latent space with those of the BMUs on the grid (1 = preserved); neural "
                + "selectivity = the share of a unit's images with its majority label, averaged over the units that "
                + "win an image (URL-SOM; weighted by hits it is the purity; the URL-SOM paper's own after /), dead "
                + "units = units that win none. Same evaluated set as the table above; mean ± std over seeds.\n\n"
                + "| Model | Dataset |");
        QUALITY_COLUMNS.forEach(c -> sb.append(' ').append(c.label()).append(" |"));
        sb.append("\n| :--- | :--- |").append(" :---: |".repeat(QUALITY_COLUMNS.size())).append('\n');
        for (SuiteRun r : clustering) {
            sb.append("| ").append(r.model()).append(" | ").append(r.dataset()).append(" |");
            for (QualityColumn c : QUALITY_COLUMNS) {
                sb.append(' ').append(meanStd(r, c.key() == null ? clusteringMetric() : c.key(), c.decimals()));
                if (NEURAL_SELECTIVITY.equals(c.key())) {
                    PaperLookup.neuralSelectivity(r.model(), r.dataset()).ifPresent(p -> sb.append(" / ").append(p));
                }
                sb.append(" |");
            }
            sb.append('\n');
        }
        sb.append('\n');
    }

    /** The plan after the calibration, and each cell's planned and actual seconds. */
    private void budgetSection(StringBuilder sb) {
        if (budget == null) {
            return;
        }
        sb.append("\n## Time budget\n\n");
        sb.append(String.format(Locale.ROOT, "Budget %.1f min; calibration %.1f min; expected after the calibration "
                        + "%.1f min in all; %.1f min used when these files were written.%n%n",
                budget.budgetSeconds() / 60, budget.calibrationSeconds() / 60, budget.expectedSeconds() / 60,
                budget.elapsedSeconds() / 60));
        sb.append("Plan after the calibration (each cell is re-planned with the time actually left when it starts):\n\n");
        sb.append("| Dataset | Model | Epochs | Evaluation | Train (s) | Evaluation and the rest (s) |\n");
        sb.append("| :--- | :--- | ---: | :--- | ---: | ---: |\n");
        for (BudgetSplit.CellPlan p : budget.plan()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.0f | %.0f |%n", p.cost().dataset(),
                    p.cost().model(), p.skipped() ? "skipped" : String.valueOf(p.epochs()), p.skipped() ? "-"
                            : evaluation(p.evalLimit()), p.trainSeconds(), p.evalSeconds()));
        }
        List<SuiteRun> budgeted = runs.stream().filter(r -> r.budget() != null).toList();
        if (!budgeted.isEmpty()) {
            sb.append("\nPlanned (when the cell started) and actual seconds of every cell that ran:\n\n");
            sb.append("| Model | Dataset | Epochs | Evaluation | Calibration (s) | Planned train (s) | Planned other (s) "
                    + "| Actual train (s) | Actual (s) |\n");
            sb.append("| :--- | :--- | ---: | :--- |").append(" ---: |".repeat(5)).append('\n');
            for (SuiteRun r : budgeted) {
                SuiteRun.Budget b = r.budget();
                sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %.0f | %.0f | %.0f | %.0f | %.0f |%n",
                        r.model(), r.dataset(), r.epochs(), evaluation(b.evalLimit()), b.calibrationSeconds(),
                        b.plannedTrainSeconds(), b.plannedEvalSeconds(), r.actualTrainSeconds(), b.actualSeconds()));
            }
            List<SuiteRun> cut = budgeted.stream().filter(r -> r.budget().evalLimit() != null).toList();
            if (!cut.isEmpty()) {
                sb.append("\n**Evaluated on a subsample** to fit the budget (their numbers above are on these images "
                        + "only): ");
                sb.append(String.join("; ", cut.stream().map(r -> r.dataset() + " / " + r.model() + ": the first "
                        + r.budget().evalLimit() + " images of each evaluated set").toList()));
                sb.append(".\n");
            }
        }
    }

    private static String evaluation(Integer evalLimit) {
        return evalLimit == null ? "all" : "first " + evalLimit;
    }

    private String cell(Task task, String model, String column, String metric) {
        for (SuiteRun r : runs) {
            if (r.task() == task && r.model().equals(model) && column(r.dataset()).equals(column)) {
                String ours = Double.isNaN(r.mean(metric)) ? "-" : String.format(Locale.ROOT, "%.3f ± %.3f (%d ep)",
                        r.mean(metric), r.std(metric), r.epochs());
                return ours + " / " + paper(model, r.dataset(), task).orElse("-");
            }
        }
        for (Failure f : failed) {
            if (f.task() == task && f.model().equals(model) && column(f.dataset()).equals(column)) {
                return "failed (see below)";
            }
        }
        String paper = paper(model, column, task).map(p -> " / " + p).orElse("");
        for (Skipped s : skipped) {
            if (s.task() == task && (s.model().equals("*") || s.model().equals(model))
                    && column(s.dataset()).equals(column)) {
                return "skipped" + paper;
            }
        }
        return "-" + paper;
    }

    /** The table column of a dataset folder name. */
    static String column(String dataset) {
        return SuiteDatasets.KNOWN.stream().filter(k -> k.folder().equals(dataset)).map(SuiteDatasets.Known::column)
                .findFirst().orElse(dataset);
    }

    private static String meanStd(SuiteRun r, String key, int decimals) {
        if (Double.isNaN(r.mean(key))) {
            return "-";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", r.mean(key), r.std(key));
    }

    private static String number(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String params(long params) {
        return params >= 1_000_000 ? String.format(Locale.ROOT, "%.2fM", params / 1e6)
                : String.format(Locale.ROOT, "%.0fK", params / 1e3);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
