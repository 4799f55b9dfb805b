package io.vitsom.bench.suite;

import io.vitsom.bench.Baselines;
import io.vitsom.bench.BenchOptions;
import io.vitsom.bench.BenchReport;
import io.vitsom.bench.ClusteringBench;
import io.vitsom.bench.ProcessStats;
import io.vitsom.bench.Protocol;
import io.vitsom.bench.classify.ClassificationBench;
import io.vitsom.bench.classify.ClassificationOptions;
import io.vitsom.bench.classify.ClassificationReport;
import io.vitsom.bench.suite.SuiteDatasets.Cell;
import io.vitsom.bench.suite.SuiteDatasets.Task;
import io.vitsom.model.checkpoint.CodeVersion;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.data.Splits;
import io.vitsom.model.train.StopRequestedException;
import io.vitsom.model.train.StopSignal;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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
                        + "som_40, desom (8x8), desom_24, desom_40, som_vae; classification: vit_som_cls, vit.",
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

    @Option(names = "--budget-minutes", description = "training minutes for the whole suite, split evenly over the runs "
            + "(default: every run trains its config's total_epochs)")
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

    @Override
    public Integer call() throws Exception {
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
     */
    SuiteReport run(SuiteDatasets.Plan plan, Protocol clusteringProtocol, PrintStream log, StopSignal stop)
            throws java.io.IOException {
        log.printf(Locale.ROOT, "bench-suite: %d run(s) planned, %d skipped%n", plan.cells().size(), plan.skipped().size());
        plan.skipped().forEach(s -> log.printf("  skipped %s%s: %s%n", s.dataset(),
                s.model().equals("*") ? "" : " / " + s.model(), s.reason()));
        Double share = budgetMinutes == null || plan.cells().isEmpty() ? null
                : BudgetSplit.shareSeconds(budgetMinutes, plan.cells().size());
        if (share != null) {
            log.printf(Locale.ROOT, "budget %.1f min -> %.0f s of training per run%n", budgetMinutes, share);
        }
        Map<Path, Splits> loaded = new HashMap<>();
        List<SuiteRun> done = new ArrayList<>();
        List<SuiteReport.Failure> failed = new ArrayList<>();
        List<Cell> cells = plan.cells();
        SuiteReport.Incomplete incomplete = null;
        for (int i = 0; i < cells.size(); i++) {
            Cell cell = cells.get(i);
            List<Cell> later = cells.subList(i + 1, cells.size());
            if (stop.isRequested()) {
                incomplete = new SuiteReport.Incomplete(stop.reason(), null, cells.subList(i, cells.size()));
                break;
            }
            // What a kill (SIGKILL, power loss) would leave: the finished cells, this one marked as running.
            report(done, plan, failed, clusteringProtocol, new SuiteReport.Incomplete("in progress (written before "
                    + "this cell started; the suite did not finish)", cell, later)).write(out);
            try {
                Splits splits = loaded.get(cell.data());
                if (splits == null) {
                    log.println("loading " + cell.data() + " ...");
                    splits = DatasetLoader.load(cell.data(), null);
                    loaded.clear(); // cells of one dataset are consecutive: keep one dataset in memory
                    loaded.put(cell.data(), splits);
                }
                SuiteRun run = runCell(cell, splits, share, clusteringProtocol, log, stop);
                if (run == null) {
                    incomplete = new SuiteReport.Incomplete(stop.reason(), cell, later);
                    break;
                }
                done.add(run);
                if (cell.model().equals("vit_som") && (models == null || models.contains(SuiteDatasets.KMEANS_LATENT))) {
                    done.add(SuiteRun.kmeansLatent(run));
                }
            } catch (StopRequestedException e) {
                // Stopped in the calibration or between a bench's phases; its native memory is freed by now.
                incomplete = new SuiteReport.Incomplete(e.getMessage(), cell, later);
                break;
            } catch (Exception | OutOfMemoryError e) {
                String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
                log.printf("FAILED %s / %s: %s%n", cell.dataset(), cell.model(), reason);
                failed.add(new SuiteReport.Failure(cell.model(), cell.dataset(), cell.task(), reason));
            }
        }
        if (incomplete != null) {
            log.printf(Locale.ROOT, "%nstopped: %d finished run(s) kept in %s, %s%n", done.size(),
                    out.resolve("suite.json"), incomplete.interrupted() == null ? "stopped between cells"
                            : "interrupted in " + incomplete.interrupted().dataset() + " / "
                            + incomplete.interrupted().model());
        }
        SuiteReport report = report(done, plan, failed, clusteringProtocol, incomplete);
        report.write(out);
        return report;
    }

    private SuiteReport report(List<SuiteRun> done, SuiteDatasets.Plan plan, List<SuiteReport.Failure> failed,
                               Protocol clusteringProtocol, SuiteReport.Incomplete incomplete) {
        return new SuiteReport(done, plan.skipped(), failed, ProcessStats.machine(), budgetMinutes,
                CodeVersion.describe(), clusteringProtocol, incomplete);
    }

    /** One cell's run, or null when a stop interrupted it (its bench wrote its partial results into its folder). */
    private SuiteRun runCell(Cell cell, Splits splits, Double shareSeconds, Protocol clusteringProtocol,
                             PrintStream log, StopSignal stop) throws Exception {
        VitSomConfig config = ConfigLoader.load(cell.config());
        Path dir = out.resolve(cell.dataset() + "-" + cell.model());
        ImageSet train = cell.task() == Task.CLUSTERING
                ? ClusteringBench.select(splits, clusteringProtocol, limit).trainingSet()
                : limit == null ? splits.train() : splits.train().limit(limit);
        Integer epochs = null;
        double imagesPerSecond = Double.NaN;
        if (shareSeconds != null) {
            imagesPerSecond = Calibration.imagesPerSecond(cell, config, train, seed, stop);
            // Classification trains on the 80% cut of the (limited) training split.
            int trainImages = cell.task() == Task.CLASSIFICATION ? Math.max(1, (int) Math.round(train.size() * 0.8))
                    : train.size();
            epochs = BudgetSplit.epochs(shareSeconds, imagesPerSecond, trainImages, runs,
                    Baselines.referenceEpochs(cell.kind(), config, trainImages));
            log.printf(Locale.ROOT, "%s / %s: calibrated %.0f img/s -> %d epoch(s) of %d images in %.0f s x %d seed(s)%n",
                    cell.dataset(), cell.model(), imagesPerSecond, epochs, trainImages, shareSeconds / runs, runs);
        } else {
            log.printf(Locale.ROOT, "%s / %s: no budget, the model's reference epochs%n", cell.dataset(), cell.model());
        }
        if (cell.task() == Task.CLASSIFICATION) {
            ClassificationReport r = new ClassificationBench(new ClassificationOptions(cell.config(), cell.data(), epochs,
                    limit, runs, seed, dir), log, stop).run(config, splits);
            return r.incomplete() ? null : SuiteRun.of(cell, r, seed, imagesPerSecond, dir.toString());
        }
        BenchReport r = new ClusteringBench(new BenchOptions(cell.config(), cell.data(), epochs, limit, runs, seed,
                clusteringProtocol, dir, cell.kind(), 10_000, cell.map(), java.util.List.of()), log, stop)
                .run(config, splits);
        return r.incomplete() ? null : SuiteRun.of(cell, r, seed, imagesPerSecond, dir.toString());
    }
}
