package io.vitsom.bench.suite;

import io.vitsom.bench.Baselines;
import io.vitsom.bench.BenchOptions;
import io.vitsom.bench.BenchReport;
import io.vitsom.bench.ClusteringBench;
import io.vitsom.bench.ModelKind;
import io.vitsom.bench.ProcessStats;
import io.vitsom.bench.Protocol;
import io.vitsom.bench.classify.ClassificationBench;
import io.vitsom.bench.classify.ClassificationOptions;
import io.vitsom.bench.classify.ClassificationReport;
import io.vitsom.bench.classify.TrainValSplit;
import io.vitsom.bench.suite.SuiteDatasets.Cell;
import io.vitsom.bench.suite.SuiteDatasets.Skipped;
import io.vitsom.bench.suite.SuiteDatasets.Task;
import io.vitsom.model.checkpoint.CodeVersion;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.data.Splits;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.train.StopRequestedException;
import io.vitsom.model.train.StopSignal;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vitsom bench-suite}: finds the paper's datasets under a data root, runs every wired (dataset, model) cell
 * with the single benches ({@link ClusteringBench}, {@link ClassificationBench}) inside a time budget, and writes
 * {@code suite.json} and {@code suite.md} (the paper's two tables) next to each run's own results folder.
 */
@Command(name = "bench-suite", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the paper's benchmark tables on every dataset found under --data-root, within a time budget.",
                "Datasets by folder name: mnist, fashion-mnist, usps (clustering); cifar-10-jpg, cifar-10, cifar-100, svhn, "
                        + "flowers-17 (classification). Missing ones are listed as skipped.",
                "Clustering rows: vit_som, vit_som_24, kmeans_latent (k-means on the vit_som latent), som (24x24), "
                        + "som_40, desom (8x8), desom_24, desom_40, som_vae, url_som (configs/url_som_<dataset>.yaml; "
                        + "also on CIFAR-10, whose other rows are classification); classification: vit_som_cls, vit.",
                "--budget-minutes bounds the whole wall time: every cell is calibrated (training speed and evaluation "
                        + "cost), the plan is printed, and each cell is re-planned with the time actually left.",
                "Writes OUT/suite.json, OUT/suite.md and OUT/<dataset>-<model>/ per run; the suite files after every cell.",
                "SIGTERM or Ctrl-C stops at the next training step, keeps every finished cell in the suite files (marked "
                        + "incomplete) and exits with 143 (130 for Ctrl-C)."})
public final class BenchSuiteCommand implements Callable<Integer> {
    @Option(names = "--suite", defaultValue = "all", description = "clustering, classification or all (default: ${DEFAULT-VALUE})")
    String suite;

    @Option(names = "--data-root", required = true, description = "folder holding one sub-folder per dataset")
    Path dataRoot;

    @Option(names = "--configs", defaultValue = "configs", description = "folder of the YAML configs (default: ${DEFAULT-VALUE})")
    Path configs;

    @Option(names = "--budget-minutes", description = "wall-clock minutes for the whole suite: calibration, loading, "
            + "training, evaluation and pictures; every cell's epochs (and, when it must, a cut of its evaluation) come "
            + "from a measured calibration, and a cell that cannot fit is skipped (default: every run trains its "
            + "config's total_epochs)")
    Double budgetMinutes;

    @Option(names = "--runs", defaultValue = "1", description = "seeds per cell, S, S+1, ... (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--seed", defaultValue = "0", description = "first seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", defaultValue = "runs/bench-suite", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--limit", description = "train on N images of each training split (smoke runs)")
    Integer limit;

    @Option(names = "--models", split = ",", description = "only these rows, e.g. vit_som,som,desom (default: all)")
    java.util.Set<String> models;

    @Option(names = "--protocol", defaultValue = "split", description = "clustering protocol: split (train on train, "
            + "report test) or reference (the paper's: train and report on train+test) (default: ${DEFAULT-VALUE})")
    String protocol;

    /** Images of the training set a clustering bench evaluates after every epoch (its epoch log). */
    static final int EPOCH_EVAL_IMAGES = 2_000;
    /** The smallest evaluation a budget may cut a clustering cell's evaluation to: the first N images of each set. */
    static final int MIN_EVAL_IMAGES = 1_000;
    /** Share of the budget after which no further cell is calibrated. */
    static final double CALIBRATION_SHARE = 0.5;

    /** When the command started: the budget counts from here. */
    private long startNanos = System.nanoTime();

    @Override
    public Integer call() throws Exception {
        startNanos = System.nanoTime();
        // Closed after the suite files are written and every model is freed: only then may a SIGTERM's exit proceed.
        try (StopSignal stop = StopSignal.installOnShutdown(StopSignal.DEFAULT_MAX_WAIT, System.err)) {
            return call(stop);
        }
    }

    private int call(StopSignal stop) throws Exception {
        if (runs <= 0) {
            throw new IllegalArgumentException("--runs must be > 0, got " + runs);
        }
        if (limit != null && limit <= 1) {
            throw new IllegalArgumentException("--limit must be > 1, got " + limit);
        }
        Protocol clusteringProtocol = Protocol.parse(protocol);
        if (models != null) {
            java.util.Set<String> known = new java.util.HashSet<>(SuiteDatasets.CLUSTERING_MODELS);
            known.addAll(SuiteDatasets.CLASSIFICATION_MODELS);
            models.stream().filter(m -> !known.contains(m) && !m.matches("(som|desom)_\\d+(x\\d+)?")).findFirst()
                    .ifPresent(m -> {
                        throw new IllegalArgumentException("--models: unknown row '" + m + "'; rows are " + known);
                    });
        }
        SuiteDatasets.Plan plan = SuiteDatasets.select(
                SuiteDatasets.discover(dataRoot, configs, SuiteDatasets.tasks(suite)), models);
        SuiteReport report = run(plan, clusteringProtocol, System.out, stop);
        System.out.println();
        System.out.print(report.markdown());
        System.out.printf("%nwrote %s%s%n", out.resolve("suite.md").toAbsolutePath(),
                report.incomplete() != null ? " (incomplete)" : "");
        return report.incomplete() != null ? StopSignal.EXIT_STOPPED : report.failed().isEmpty() ? 0 : 1;
    }

    /**
     * Runs every planned cell (a failing cell is recorded and the suite goes on) and writes the suite files, also
     * after every cell so that a killed suite keeps its finished cells. After a stop no further cell starts: the
     * files hold the finished cells and say which cell was interrupted and which never started.
     *
     * <p>With a budget, every cell is calibrated first ({@link Calibration}); the plan ({@link BudgetSplit}) is printed
     * before any training and made again before every cell with the wall time actually left, so the whole suite,
     * calibration and evaluation included, keeps to the budget. A cell that cannot fit is skipped with the reason.
     */
    SuiteReport run(SuiteDatasets.Plan plan, Protocol clusteringProtocol, PrintStream log, StopSignal stop)
            throws java.io.IOException {
        log.printf(Locale.ROOT, "bench-suite: %d run(s) planned, %d skipped%n", plan.cells().size(), plan.skipped().size());
        plan.skipped().forEach(s -> log.printf("  skipped %s%s: %s%n", s.dataset(),
                s.model().equals("*") ? "" : " / " + s.model(), s.reason()));
        State state = new State(plan, clusteringProtocol);
        List<Cell> cells = plan.cells();
        if (budgetMinutes != null) {
            if (!(budgetMinutes > 0)) {
                throw new IllegalArgumentException("--budget-minutes must be > 0, got " + budgetMinutes);
            }
            calibrate(state, log, stop);
            if (state.incomplete == null) {
                state.initialPlan = BudgetSplit.plan(budgetSeconds() - elapsedSeconds(), state.pendingCosts(0));
                printPlan(log, state.initialPlan, state.calibrationSeconds);
            }
        }
        for (int i = 0; i < cells.size() && state.incomplete == null; i++) {
            Cell cell = cells.get(i);
            List<Cell> later = cells.subList(i + 1, cells.size());
            if (stop.isRequested()) {
                state.incomplete = new SuiteReport.Incomplete(stop.reason(), null, cells.subList(i, cells.size()));
                break;
            }
            BudgetSplit.CellPlan cellPlan = null;
            if (budgetMinutes != null) {
                if (!state.costs.containsKey(cell)) {
                    continue; // failed or skipped in the calibration, already recorded
                }
                double left = budgetSeconds() - elapsedSeconds();
                cellPlan = BudgetSplit.plan(left, state.pendingCosts(i)).get(0);
                if (cellPlan.skipped()) {
                    log.printf("%s / %s: skipped, %s%n", cell.dataset(), cell.model(), cellPlan.skipReason());
                    state.skipped.add(new Skipped(cell.model(), cell.dataset(), cell.task(), cellPlan.skipReason()));
                    continue;
                }
                log.printf(Locale.ROOT, "%s / %s: %d epoch(s) at the calibrated %.0f img/s, %s; planned %s "
                                + "(training %s, evaluation and the rest %s) of the %s left%n", cell.dataset(),
                        cell.model(), cellPlan.epochs(), state.imagesPerSecond.get(cell),
                        cellPlan.evalLimit() == null ? "full evaluation"
                                : "evaluation cut to the first " + cellPlan.evalLimit() + " images of each evaluated set",
                        duration(cellPlan.seconds()), duration(cellPlan.trainSeconds()),
                        duration(cellPlan.evalSeconds()), duration(left));
            }
            // What a kill (SIGKILL, power loss) would leave: the finished cells, this one marked as running.
            report(state, new SuiteReport.Incomplete("in progress (written before this cell started; the suite did "
                    + "not finish)", cell, later)).write(out);
            long t0 = System.nanoTime();
            try {
                Splits splits = load(cell, state, log);
                SuiteRun run = runCell(cell, splits, cellPlan, state.imagesPerSecond.getOrDefault(cell, Double.NaN),
                        clusteringProtocol, log, stop);
                if (run == null) {
                    state.incomplete = new SuiteReport.Incomplete(stop.reason(), cell, later);
                    break;
                }
                if (cellPlan != null) {
                    run = run.withBudget(new SuiteRun.Budget(state.cellCalibrationSeconds.get(cell),
                            cellPlan.trainSeconds(), cellPlan.evalSeconds(), (System.nanoTime() - t0) / 1e9,
                            cellPlan.evalLimit()));
                }
                state.done.add(run);
                if (cell.model().equals("vit_som") && (models == null || models.contains(SuiteDatasets.KMEANS_LATENT))) {
                    state.done.add(SuiteRun.kmeansLatent(run));
                }
            } catch (StopRequestedException e) {
                // Stopped between a bench's phases; its native memory is freed by now.
                state.incomplete = new SuiteReport.Incomplete(e.getMessage(), cell, later);
                break;
            } catch (Exception | OutOfMemoryError e) {
                String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
                log.printf("FAILED %s / %s: %s%n", cell.dataset(), cell.model(), reason);
                state.failed.add(new SuiteReport.Failure(cell.model(), cell.dataset(), cell.task(), reason));
            }
        }
        if (state.incomplete != null) {
            log.printf(Locale.ROOT, "%nstopped: %d finished run(s) kept in %s, %s%n", state.done.size(),
                    out.resolve("suite.json"), state.incomplete.interrupted() == null ? "stopped between cells"
                            : "interrupted in " + state.incomplete.interrupted().dataset() + " / "
                            + state.incomplete.interrupted().model());
        }
        if (budgetMinutes != null) {
            log.printf(Locale.ROOT, "suite wall time %s of the %s budget%n", duration(elapsedSeconds()),
                    duration(budgetSeconds()));
        }
        SuiteReport report = report(state, state.incomplete);
        report.write(out);
        return report;
    }

    /** What a suite run has found out so far. */
    private static final class State {
        final SuiteDatasets.Plan plan;
        final Protocol protocol;
        final Map<Path, Splits> loaded = new HashMap<>();
        final Map<Path, Double> loadSeconds = new HashMap<>();
        final List<SuiteRun> done = new ArrayList<>();
        final List<SuiteReport.Failure> failed = new ArrayList<>();
        final List<Skipped> skipped;
        /** The calibrated cells' costs, in cell order. */
        final Map<Cell, BudgetSplit.CellCost> costs = new LinkedHashMap<>();
        final Map<Cell, Double> imagesPerSecond = new HashMap<>();
        final Map<Cell, Double> cellCalibrationSeconds = new HashMap<>();
        double calibrationSeconds;
        List<BudgetSplit.CellPlan> initialPlan = List.of();
        SuiteReport.Incomplete incomplete;

        State(SuiteDatasets.Plan plan, Protocol protocol) {
            this.plan = plan;
            this.protocol = protocol;
            this.skipped = new ArrayList<>(plan.skipped());
        }

        /** The costs of the calibrated cells from the {@code from}-th cell on. */
        List<BudgetSplit.CellCost> pendingCosts(int from) {
            List<Cell> cells = plan.cells();
            return cells.subList(from, cells.size()).stream().filter(costs::containsKey).map(costs::get).toList();
        }
    }

    /**
     * Calibrates every cell, loading each dataset once; a cell that fails is recorded as failed, and once the
     * calibration has used {@link #CALIBRATION_SHARE} of the budget the remaining cells are skipped.
     */
    private void calibrate(State state, PrintStream log, StopSignal stop) {
        List<Cell> cells = state.plan.cells();
        Calibration calibration = new Calibration(stop);
        long start = System.nanoTime();
        boolean reload = cells.stream().map(Cell::data).distinct().count() > 1;
        log.printf(Locale.ROOT, "budget %s of wall time for the whole suite; calibrating %d cell(s) ...%n",
                duration(budgetSeconds()), cells.size());
        for (int i = 0; i < cells.size(); i++) {
            Cell cell = cells.get(i);
            if (stop.isRequested()) {
                state.incomplete = new SuiteReport.Incomplete(stop.reason(), null, cells.subList(i, cells.size()));
                break;
            }
            double spent = (System.nanoTime() - start) / 1e9;
            if (elapsedSeconds() > CALIBRATION_SHARE * budgetSeconds()) {
                String reason = String.format(Locale.ROOT, "budget: not calibrated, the calibration of the cells before "
                        + "it used %.0f s, over %.0f%% of the budget", spent, CALIBRATION_SHARE * 100);
                log.printf("%s / %s: skipped, %s%n", cell.dataset(), cell.model(), reason);
                state.skipped.add(new Skipped(cell.model(), cell.dataset(), cell.task(), reason));
                continue;
            }
            long t0 = System.nanoTime();
            try {
                Splits splits = load(cell, state, log);
                MapModelConfig config = MapModels.load(cell.config());
                ImageSet train;
                ImageSet evaluated;
                if (cell.task() == Task.CLUSTERING) {
                    ClusteringBench.Data data = ClusteringBench.select(splits, state.protocol, limit);
                    train = data.trainingSet();
                    evaluated = data.all() != null ? data.all() : data.test() != null ? data.test() : data.train();
                } else {
                    train = limit == null ? splits.train() : splits.train().limit(limit);
                    evaluated = splits.test().orElseThrow(() -> new IllegalArgumentException(
                            splits.name() + " has no test split: the classification benchmark reports test-split metrics"));
                }
                Calibration.Measured measured = calibration.measure(cell, config, train, evaluated, seed);
                boolean firstOfDataset = i == 0 || !cells.get(i - 1).data().equals(cell.data());
                double load = reload && firstOfDataset ? state.loadSeconds.getOrDefault(cell.data(), 0.0) : 0;
                BudgetSplit.CellCost cost = cost(cell, config, splits, state.protocol, measured, load);
                state.costs.put(cell, cost);
                state.imagesPerSecond.put(cell, measured.trainImagesPerSecond());
                state.cellCalibrationSeconds.put(cell, (System.nanoTime() - t0) / 1e9);
                log.printf(Locale.ROOT, "%s / %s: calibrated %.0f img/s, an epoch %.1f s, evaluation %.1f s per seed "
                                + "(%.1f s)%n", cell.dataset(), cell.model(), measured.trainImagesPerSecond(),
                        cost.epochSeconds(), cost.runSeconds() + cost.evalSeconds(cost.fullEvalLimit()),
                        (System.nanoTime() - t0) / 1e9);
            } catch (StopRequestedException e) {
                state.incomplete = new SuiteReport.Incomplete(e.getMessage(), cell, cells.subList(i + 1, cells.size()));
                break;
            } catch (Exception | OutOfMemoryError e) {
                String reason = "calibration: " + e.getClass().getSimpleName() + ": " + e.getMessage();
                log.printf("FAILED %s / %s: %s%n", cell.dataset(), cell.model(), reason);
                state.failed.add(new SuiteReport.Failure(cell.model(), cell.dataset(), cell.task(), reason));
            }
        }
        state.calibrationSeconds = (System.nanoTime() - start) / 1e9;
    }

    /**
     * A calibrated cell's costs: its training epochs (with what the bench measures after every epoch), the sets it
     * evaluates after training and what they cost per image, the sampled map-quality metrics per seed, the pictures
     * and (when the suite has several datasets, so it is loaded again) loading its dataset once per cell.
     */
    private BudgetSplit.CellCost cost(Cell cell, MapModelConfig config, Splits splits, Protocol protocol,
                                      Calibration.Measured m, double loadSeconds) {
        double assign = m.assignSecondsPerImage();
        if (cell.task() == Task.CLASSIFICATION) {
            int n = limit == null ? splits.train().size() : Math.min(limit, splits.train().size());
            int trainImages = (int) Math.max(1, Math.min(n - 1, Math.round(TrainValSplit.TRAIN_FRACTION * n)));
            int test = splits.test().orElseThrow().size();
            // Validation accuracy after every epoch; the test split is always evaluated in full.
            double epoch = trainImages / m.trainImagesPerSecond() + (n - trainImages) * assign;
            return new BudgetSplit.CellCost(cell.dataset(), cell.model(), epoch, config.totalEpochs(), runs, 0,
                    loadSeconds, List.of(new BudgetSplit.EvalSet("test split", test, assign)), test);
        }
        ClusteringBench.Data data = ClusteringBench.select(splits, protocol, limit);
        ImageSet train = data.trainingSet();
        double evaluatedPerImage = assign + m.quality().kmeansSecondsPerImage();
        List<BudgetSplit.EvalSet> sets;
        int evaluated;
        if (data.all() != null) {
            evaluated = data.all().size();
            sets = List.of(new BudgetSplit.EvalSet("train+test", evaluated, evaluatedPerImage));
        } else if (data.test() != null) {
            evaluated = data.test().size();
            sets = List.of(new BudgetSplit.EvalSet("training split", train.size(), assign),
                    new BudgetSplit.EvalSet("test split", evaluated, evaluatedPerImage));
        } else {
            evaluated = train.size();
            sets = List.of(new BudgetSplit.EvalSet("training split", evaluated, evaluatedPerImage));
        }
        // ViT-SOM and URL-SOM measure purity after every epoch, the other maps once after training.
        double epochEval = Math.min(EPOCH_EVAL_IMAGES, train.size()) * assign;
        boolean everyEpoch = cell.kind() == ModelKind.VIT_SOM || cell.kind() == ModelKind.URL_SOM;
        double epoch = train.size() / m.trainImagesPerSecond() + (everyEpoch ? epochEval : 0);
        double run = m.quality().sampledSeconds(evaluated) + (everyEpoch ? 0 : epochEval);
        return new BudgetSplit.CellCost(cell.dataset(), cell.model(), epoch,
                Baselines.referenceEpochs(cell.kind(), config, train.size()), runs, run,
                m.artifactSeconds() + loadSeconds, sets, MIN_EVAL_IMAGES);
    }

    private void printPlan(PrintStream log, List<BudgetSplit.CellPlan> plan, double calibrationSeconds) {
        double cells = plan.stream().mapToDouble(BudgetSplit.CellPlan::seconds).sum();
        log.printf(Locale.ROOT, "plan (calibration took %s; %.0f%% of the %s left handed out, re-planned before every "
                        + "cell with the time then left):%n", duration(calibrationSeconds), BudgetSplit.USABLE * 100,
                duration(Math.max(0, budgetSeconds() - elapsedSeconds())));
        for (BudgetSplit.CellPlan p : plan) {
            if (p.skipped()) {
                log.printf("  %s / %s: skipped, %s%n", p.cost().dataset(), p.cost().model(), p.skipReason());
            } else {
                log.printf(Locale.ROOT, "  %s / %s: %d epoch(s), training %s, evaluation and the rest %s%s%n",
                        p.cost().dataset(), p.cost().model(), p.epochs(), duration(p.trainSeconds()),
                        duration(p.evalSeconds()),
                        p.evalLimit() == null ? ""
                                : " (cut to the first " + p.evalLimit() + " images of each evaluated set)");
            }
        }
        log.printf(Locale.ROOT, "expected %s in all (calibration %s + cells %s) of the %s budget%n",
                duration(calibrationSeconds + cells), duration(calibrationSeconds), duration(cells),
                duration(budgetSeconds()));
    }

    /** Seconds below two minutes, else minutes. */
    static String duration(double seconds) {
        return seconds < 120 ? String.format(Locale.ROOT, "%.0f s", seconds)
                : String.format(Locale.ROOT, "%.1f min", seconds / 60);
    }

    /** The cell's dataset, loaded once while consecutive cells use it (one dataset in memory at a time). */
    private Splits load(Cell cell, State state, PrintStream log) throws java.io.IOException {
        Splits splits = state.loaded.get(cell.data());
        if (splits == null) {
            log.println("loading " + cell.data() + " ...");
            long t0 = System.nanoTime();
            state.loaded.clear(); // cells of one dataset are consecutive: keep one dataset in memory
            splits = DatasetLoader.load(cell.data(), null);
            state.loaded.put(cell.data(), splits);
            state.loadSeconds.put(cell.data(), (System.nanoTime() - t0) / 1e9);
        }
        return splits;
    }

    private double budgetSeconds() {
        return budgetMinutes * 60;
    }

    /** Wall seconds since the command started. */
    private double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private SuiteReport report(State state, SuiteReport.Incomplete incomplete) {
        SuiteReport.BudgetSummary budget = budgetMinutes == null ? null : new SuiteReport.BudgetSummary(
                budgetSeconds(), state.calibrationSeconds, state.initialPlan, elapsedSeconds());
        return new SuiteReport(state.done, state.skipped, state.failed, ProcessStats.machine(), budgetMinutes,
                CodeVersion.describe(), state.protocol, incomplete, budget);
    }

    /**
     * One cell's run, or null when a stop interrupted it (its bench wrote its partial results into its folder).
     *
     * @param cellPlan its budget's plan, or null without a budget (the model's reference epochs, full evaluation)
     * @param imagesPerSecond the calibrated training speed, NaN without a budget
     */
    private SuiteRun runCell(Cell cell, Splits splits, BudgetSplit.CellPlan cellPlan, double imagesPerSecond,
                             Protocol clusteringProtocol, PrintStream log, StopSignal stop) throws Exception {
        MapModelConfig config = MapModels.load(cell.config());
        Path dir = out.resolve(cell.dataset() + "-" + cell.model());
        Integer epochs = cellPlan == null ? null : cellPlan.epochs();
        Integer evalLimit = cellPlan == null ? null : cellPlan.evalLimit();
        if (cellPlan == null) {
            log.printf(Locale.ROOT, "%s / %s: no budget, the model's reference epochs%n", cell.dataset(), cell.model());
        }
        if (cell.task() == Task.CLASSIFICATION) {
            ClassificationReport r = new ClassificationBench(new ClassificationOptions(cell.config(), cell.data(), epochs,
                    limit, runs, seed, dir), log, stop).run((VitSomConfig) config, splits);
            return r.incomplete() ? null : SuiteRun.of(cell, r, seed, imagesPerSecond, dir.toString());
        }
        BenchReport r = new ClusteringBench(new BenchOptions(cell.config(), cell.data(), epochs, limit, runs, seed,
                clusteringProtocol, dir, cell.kind(), EPOCH_EVAL_IMAGES, cell.map(), java.util.List.of(), evalLimit), log,
                stop).run(config, splits);
        return r.incomplete() ? null : SuiteRun.of(cell, r, seed, imagesPerSecond, dir.toString());
    }
}
