package io.vitsom.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.bench.maps.KohonenMap;
import io.vitsom.bench.maps.MapQuality;
import io.vitsom.bench.maps.TrainedMap;
import io.vitsom.bench.maps.VitSomMap;
import io.vitsom.bench.projection.LatentProjection;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.data.Splits;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.metrics.ClusteringMetrics;
import io.vitsom.model.nn.VitSom;
import io.vitsom.model.render.MapImages;
import io.vitsom.model.render.WinnersPlot;
import io.vitsom.model.som.KohonenSom;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.train.EpochSchedule;
import io.vitsom.model.train.StepResult;
import io.vitsom.model.train.StopRequestedException;
import io.vitsom.model.train.StopSignal;
import io.vitsom.model.train.TrainingPlan;
import io.vitsom.model.train.VitSomTrainer;
import io.vitsom.model.urlsom.UrlSomConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The offline clustering benchmark: trains ViT-SOM, URL-SOM ({@link UrlSomTraining}) or a baseline (Kohonen SOM on
 * pixels, DESOM, SOM-VAE) from scratch on a dataset under a protocol, evaluates purity and NMI with units as clusters plus {@link MapQuality},
 * and writes results, map images and latent projections. Every model is evaluated through {@link TrainedMap}, so
 * the numbers mean the same for all of them. The CLI is {@link BenchCommand}.
 *
 * <p>A {@link StopSignal} stops it between training steps (and between the phases of an evaluation): the finished
 * runs are written with the interrupted one marked incomplete ({@link InterruptedRun}); see {@link #run}.
 */
public final class ClusteringBench {
    /** Batch size of inference passes (BMU assignment). */
    static final int EVAL_BATCH = 256;
    /** Images of the evaluated set in each latent projection (t-SNE is quadratic in them). */
    public static final int PROJECTION_SAMPLE = 1000;

    private final BenchOptions options;
    private final PrintStream log;
    private final StopSignal stop;
    /** Complete epochs of the run in progress, for the record of a run a stop interrupts. */
    private int epochsDone;

    /** A benchmark that runs to the end (nothing requests its stop). */
    public ClusteringBench(BenchOptions options, PrintStream log) {
        this(options, log, new StopSignal());
    }

    /** A benchmark that {@code stop} ends early, at a step boundary, writing what finished. */
    public ClusteringBench(BenchOptions options, PrintStream log, StopSignal stop) {
        this.options = options;
        this.log = log;
        this.stop = java.util.Objects.requireNonNull(stop, "stop");
    }

    /** The images a protocol trains on and evaluates. */
    public record Data(String dataset, ImageSet train, ImageSet test, ImageSet all) {
        /** What the protocol trains on: train+test under reference, the training split under split. */
        public ImageSet trainingSet() {
            return all != null ? all : train;
        }

        /** What the protocol reports on: train+test under reference, else the test split, else the training set. */
        ImageSet evaluatedSet() {
            return all != null ? all : test != null ? test : train;
        }

        /** These sets cut to their first {@code evalLimit} images each (all of them when null): what is evaluated. */
        Data limitEvaluation(Integer evalLimit) {
            if (evalLimit == null) {
                return this;
            }
            return new Data(dataset, train == null ? null : train.limit(evalLimit),
                    test == null ? null : test.limit(evalLimit), all == null ? null : all.limit(evalLimit));
        }
    }

    /** Selects train/eval sets from the splits as the protocol says; {@code limit} cuts the training set. */
    public static Data select(Splits splits, Protocol protocol, Integer limit) {
        ImageSet train = splits.train();
        ImageSet test = splits.test().orElse(null);
        if (protocol == Protocol.REFERENCE) {
            ImageSet all = test == null ? train : train.concat(test);
            return new Data(splits.name(), null, null, limit == null ? all : all.limit(limit));
        }
        return new Data(splits.name(), limit == null ? train : train.limit(limit), test, null);
    }

    /**
     * Runs the benchmark and writes every output file; returns the report that was written. After a stop the report
     * holds the finished runs and the interrupted one ({@link BenchReport#incomplete()}); no further run starts.
     * URL-SOM trains from a {@link UrlSomConfig}, ViT-SOM and the baselines from a {@link VitSomConfig}
     * ({@link ModelKind#requireFits}).
     */
    public BenchReport run(MapModelConfig config, Splits splits) throws IOException {
        ModelKind.requireFits(options.model(), config);
        Data data = select(splits, options.protocol(), options.limit());
        ImageSet trainSet = data.trainingSet();
        if (options.model() == ModelKind.VIT_SOM || options.model() == ModelKind.SOM
                || options.model() == ModelKind.URL_SOM) {
            requireShape(config, trainSet);
        }
        if (!trainSet.fullyLabelled()) {
            throw new IllegalArgumentException(trainSet.name() + " has unlabelled images: purity and NMI need labels");
        }
        // The schedules follow the budget actually run: epochs and (limited) training-set size.
        Baselines.Plan plan = Baselines.plan(options.model(), options.epochs(), options.mapSize(), config,
                trainSet.size());
        // Both models' warm-ups keep their share of a shortened run (Budgets; UrlSomSchedule.shortened).
        MapModelConfig runConfig = config instanceof UrlSomConfig u ? u.withTotalEpochs(plan.epochs())
                : Budgets.scaleToEpochs((VitSomConfig) config, plan.epochs());
        Files.createDirectories(options.out());
        log.printf(Locale.ROOT, "bench: %s on %s (%s protocol): train %d images of %s, %s, %d run(s)%n",
                options.model().label(), data.dataset(), options.protocol().name().toLowerCase(Locale.ROOT),
                trainSet.size(), trainSet.shape(), plan.describe(), options.runs());
        List<RunMetrics> runs = new ArrayList<>();
        InterruptedRun interrupted = null;
        long params = 0;
        int batchSize = runConfig.batchSize();
        for (int r = 0; r < options.runs(); r++) {
            long seed = options.seed() + r;
            boolean keepArtifacts = r == 0;
            epochsDone = 0;
            String stage = "start";
            try {
                stop.throwIfRequested();
                log.printf(Locale.ROOT, "run %d/%d, seed %d%n", r + 1, options.runs(), seed);
                stage = "training";
                Trained trained = switch (options.model()) {
                    case VIT_SOM -> trainVitSom((VitSomConfig) runConfig, data, trainSet, plan.epochs(), seed,
                            keepArtifacts);
                    case SOM -> trainKohonen((VitSomConfig) runConfig, trainSet, plan, seed);
                    case URL_SOM -> new UrlSomTraining(options, log, stop).train((UrlSomConfig) runConfig,
                            config.totalEpochs(), data, trainSet, seed, keepArtifacts, e -> epochsDone = e);
                    case DESOM, SOM_VAE -> Baselines.train(options.model(), plan, trainSet, seed,
                            options.epochEvalLimit(), log, stop);
                };
                stage = "evaluation";
                try (TrainedMap map = trained.map()) {
                    params = trained.params();
                    batchSize = trained.batchSize() > 0 ? trained.batchSize() : batchSize;
                    runs.add(measure(map, data, trainSet, seed, trained, keepArtifacts));
                }
            } catch (StopRequestedException e) {
                // Every native resource of the run is closed by now (the unwinding closed it on this thread).
                int done = switch (stage) {
                    case "training" -> options.model() == ModelKind.DESOM || options.model() == ModelKind.SOM_VAE
                            ? -1 : epochsDone;
                    case "evaluation" -> plan.epochs();
                    default -> 0;
                };
                interrupted = new InterruptedRun(seed, plan.epochs(), done, stage, e.getMessage());
                log.printf(Locale.ROOT, "%nstopped: run %d/%d (seed %d) interrupted %s; writing the %d finished "
                        + "run(s)%n", r + 1, options.runs(), seed, interrupted.when(), runs.size());
                break;
            }
        }
        BenchReport report = new BenchReport(options.model().label(), options.configFile().toString(), data.dataset(),
                options.protocol(), plan.epochs(), options.limit(), trainSet.size(), batchSize,
                Engine.getInstance().defaultDevice().toString(), ProcessStats.machine(), params, runs, interrupted,
                options.evalLimit());
        report.write(options.out());
        log.println();
        log.print(report.markdown());
        log.printf("%nwrote %s%s%n", options.out().toAbsolutePath(), report.incomplete() ? " (incomplete)" : "");
        return report;
    }

    /**
     * A model after training, before evaluation.
     *
     * @param batchSize the training batch, or 0 where the model has none (the online Kohonen SOM)
     */
    record Trained(TrainedMap map, long params, int batchSize, double trainSeconds, double imagesPerSecond,
                   List<RunMetrics.EpochLog> epochLog) {
    }

    /**
     * Purity/NMI per protocol, the map-quality metrics, and (first run) the maps, the winners picture and the
     * projection; with {@code --eval-limit} all of it on the first images of each evaluated set.
     */
    private RunMetrics measure(TrainedMap map, Data trainedOn, ImageSet trainSet, long seed, Trained trained,
                               boolean keepArtifacts) throws IOException {
        Data data = trainedOn.limitEvaluation(options.evalLimit());
        if (options.evalLimit() != null) {
            log.printf(Locale.ROOT, "evaluating on the first %d images of each evaluated set (--eval-limit)%n",
                    options.evalLimit());
        }
        Evaluation eval = evaluate(data, map::bmus);
        stop.throwIfRequested();
        log.println("measuring map quality (Ward grouping, QE/TE, trustworthiness"
                + (options.model() == ModelKind.VIT_SOM ? ", k-means on the latent" : "") + ") ...");
        MapQuality quality = MapQuality.measure(map, eval.evaluatedSet(), eval.evaluatedBmus(),
                options.model() == ModelKind.VIT_SOM, seed, log);
        stop.throwIfRequested();
        if (keepArtifacts) {
            ImageSet labelled = data.all() != null ? data.all() : data.train();
            writeMaps(map.grid(), labelled, eval.trainOrAllBmus(), map.prototypeImages());
            writeWinners(map.grid(), eval.evaluatedSet(), eval.evaluatedBmus(), seed);
            project(map, eval.evaluatedSet(), "after training", options.out().resolve("projection.png"), seed);
        }
        return eval.toMetrics(seed, trained.trainSeconds(), trained.imagesPerSecond(), trained.epochLog(), quality);
    }

    /**
     * Writes a t-SNE projection of the latent of the first images of {@code set}, coloured by label. A
     * projection that fails is reported and skipped: it is a picture, and an hour of training and its
     * measured numbers must not be lost to it.
     */
    private void project(TrainedMap map, ImageSet set, String when, Path png, long seed) throws IOException {
        ImageSet sample = set.limit(Math.min(PROJECTION_SAMPLE, set.size()));
        long t0 = System.nanoTime();
        try {
            LatentProjection.write(map.latent(sample), map.latentDim(), sample.labels(),
                    sample.classNames().isEmpty() ? null : sample.classNames().toArray(String[]::new),
                    String.format(Locale.ROOT, "%s latent, t-SNE of %d %s images, %s", options.model().label(),
                            sample.size(), set.name(), when), seed, png);
        } catch (IllegalArgumentException e) {
            log.printf(Locale.ROOT, "warning: %s not written (%s); the run goes on%n", png.getFileName(),
                    e.getMessage());
            return;
        }
        log.printf(Locale.ROOT, "wrote %s (t-SNE of %d images, %.1f s)%n", png.getFileName(), sample.size(),
                (System.nanoTime() - t0) / 1e9);
    }

    private Trained trainVitSom(VitSomConfig config, Data data, ImageSet trainSet, int epochs, long seed,
                                boolean keepArtifacts) throws IOException {
        Engine.getInstance().setRandomSeed((int) seed);
        NDManager manager = NDManager.newBaseManager();
        VitSom model = VitSom.builder().setConfig(config).build();
        model.initialize(manager);
        VitSomMap map = new VitSomMap(model, manager, trainSet, true);
        try {
            return trainVitSom(model, manager, map, config, data, trainSet, epochs, seed, keepArtifacts);
        } catch (RuntimeException | Error e) {
            // A stop (or a failure) between steps: free the model here, on the thread that ran its steps.
            map.close();
            throw e;
        }
    }

    private Trained trainVitSom(VitSom model, NDManager manager, VitSomMap map, VitSomConfig config, Data data,
                                ImageSet trainSet, int epochs, long seed, boolean keepArtifacts) throws IOException {
        TrainingPlan plan = new TrainingPlan(trainSet.size(), config.batchSize(), epochs);
        ImageSet epochEval = trainSet.limit(options.epochEvalLimit());
        List<RunMetrics.EpochLog> epochLog = new ArrayList<>();
        Random shuffle = new Random(seed);
        double trainSeconds = 0;
        try (VitSomTrainer trainer = new VitSomTrainer(model, manager, new EpochSchedule(config, plan))) {
            Progress progress = new Progress("train", plan.totalSteps());
            int[] order = EpochOrder.identity(trainSet.size());
            for (int epoch = 0; epoch < epochs; epoch++) {
                EpochOrder.shuffle(order, shuffle);
                long epochStart = System.nanoTime();
                double lossSum = 0;
                int imagesThisEpoch = 0;
                for (int start = 0; start < order.length; start += config.batchSize()) {
                    // The step boundary: no step starts after a stop was requested.
                    stop.throwIfRequested();
                    int b = Math.min(config.batchSize(), order.length - start);
                    int[] idx = java.util.Arrays.copyOfRange(order, start, start + b);
                    StepResult s = trainer.step(trainSet.batch(idx), trainSet.labelsOf(idx), b);
                    lossSum += s.totalLoss() * b;
                    imagesThisEpoch += b;
                    double rate = imagesThisEpoch / ((System.nanoTime() - epochStart) / 1e9);
                    progress.update(trainer.stepCount(), String.format(Locale.ROOT,
                            "epoch %d/%d %.0f img/s loss %.4f recon %.4f som %.4f T %.3g gamma %.2g units/batch %d",
                            epoch + 1, epochs, rate, s.totalLoss(), s.reconLoss(), s.somLoss(), s.temperature(),
                            s.gamma(), java.util.Arrays.stream(s.bmus()).distinct().count()));
                }
                trainSeconds += (System.nanoTime() - epochStart) / 1e9;
                epochsDone = epoch + 1;
                stop.throwIfRequested();
                Clustering c = Clustering.of(map.bmus(epochEval), epochEval);
                epochLog.add(new RunMetrics.EpochLog(epoch + 1, lossSum / imagesThisEpoch, c.purity(), c.nmi(), trainSeconds));
                log.printf(Locale.ROOT, "epoch %d: loss %.4f, purity %.4f, NMI %.4f on %d training images (%.0f s)%n",
                        epoch + 1, lossSum / imagesThisEpoch, c.purity(), c.nmi(), epochEval.size(), trainSeconds);
                if (keepArtifacts && options.projectionEpochs().contains(epoch + 1)) {
                    project(map, data.evaluatedSet(), "epoch " + (epoch + 1),
                            options.out().resolve("projection-epoch-" + (epoch + 1) + ".png"), seed);
                }
            }
        }
        if (keepArtifacts) {
            ObjectNode provenance = provenance(options, data, trainSet, epochs);
            Checkpoint.save(options.out().resolve("model"), model, java.util.Map.of(), plan.totalSteps(),
                    plan.totalSteps(), seed, provenance);
        }
        return new Trained(map, model.trainableParameterCount(), config.batchSize(), trainSeconds,
                trainSet.size() * (double) epochs / trainSeconds, epochLog);
    }

    /** What a bench model's checkpoint says about its training: data, protocol, limit, epochs, images. */
    static ObjectNode provenance(BenchOptions options, Data data, ImageSet trainSet, int epochs) {
        ObjectNode provenance = BenchReport.JSON.createObjectNode();
        provenance.put("dataset", data.dataset());
        provenance.put("data_path", options.dataDir().toAbsolutePath().toString());
        provenance.put("protocol", options.protocol().name().toLowerCase(Locale.ROOT));
        if (options.limit() != null) {
            provenance.put("limit", options.limit());
        }
        provenance.put("epochs", epochs);
        provenance.put("train_images", trainSet.size());
        return provenance;
    }

    private Trained trainKohonen(VitSomConfig config, ImageSet trainSet, Baselines.Plan plan, long seed) {
        SomGrid grid = plan.grid(config);
        int epochs = plan.epochs();
        KohonenSom som = new KohonenSom(grid, trainSet.imageSize(), seed);
        ImageSet epochEval = trainSet.limit(options.epochEvalLimit());
        Progress progress = new Progress("train", (long) epochs * trainSet.size());
        List<RunMetrics.EpochLog> epochLog = new ArrayList<>();
        // The sigma and learning-rate schedules span the whole run, so all epochs are one call;
        // purity is logged once, after training.
        long start = System.nanoTime();
        som.train(trainSet, epochs, (epoch, seen, total, qe) -> {
            // KohonenSom counts epochs from 1. Heap only, so a stop may end it at any report.
            epochsDone = seen == total ? epoch : epoch - 1;
            stop.throwIfRequested();
            progress.update((long) (epoch - 1) * trainSet.size() + seen,
                    String.format(Locale.ROOT, "epoch %d/%d QE %.4f", epoch, epochs, qe));
        });
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Clustering c = Clustering.of(som.bmus(epochEval), epochEval);
        epochLog.add(new RunMetrics.EpochLog(epochs, Double.NaN, c.purity(), c.nmi(), trainSeconds));
        return new Trained(new KohonenMap(som), (long) grid.units() * trainSet.imageSize(), 0, trainSeconds,
                trainSet.size() * (double) epochs / trainSeconds, epochLog);
    }

    /**
     * Assignments of the protocol's evaluation sets, and how long assigning the reported set took.
     *
     * @param evaluatedSet the set the protocol reports on (train+test, else the test split, else the training set)
     * @param evaluatedBmus the BMUs of {@code evaluatedSet}
     */
    record Evaluation(Clustering train, Clustering test, Clustering all, int[] trainOrAllBmus, double inferenceSeconds,
                      ImageSet evaluatedSet, int[] evaluatedBmus) {
        RunMetrics toMetrics(long seed, double trainSeconds, double imagesPerSecond, List<RunMetrics.EpochLog> log,
                             MapQuality quality) {
            double nan = Double.NaN;
            return new RunMetrics(seed, train == null ? nan : train.purity(), train == null ? nan : train.nmi(),
                    test == null ? nan : test.purity(), test == null ? nan : test.nmi(),
                    all == null ? nan : all.purity(), all == null ? nan : all.nmi(),
                    trainSeconds, inferenceSeconds, imagesPerSecond, ProcessStats.peakRssMb(), log, quality);
        }
    }

    interface Assigner {
        int[] bmus(ImageSet data);
    }

    static Evaluation evaluate(Data data, Assigner assigner) {
        if (data.all() != null) {
            long t0 = System.nanoTime();
            int[] bmus = assigner.bmus(data.all());
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Evaluation(null, null, Clustering.of(bmus, data.all()), bmus, seconds, data.all(), bmus);
        }
        int[] trainBmus = assigner.bmus(data.train());
        if (data.test() == null) {
            return new Evaluation(Clustering.of(trainBmus, data.train()), null, null, trainBmus, Double.NaN,
                    data.train(), trainBmus);
        }
        long t0 = System.nanoTime();
        int[] testBmus = assigner.bmus(data.test());
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Evaluation(Clustering.of(trainBmus, data.train()), Clustering.of(testBmus, data.test()), null,
                trainBmus, seconds, data.test(), testBmus);
    }

    /**
     * winners.png: every evaluated image as a jittered dot at its BMU, coloured by its label (URL-SOM's Fig. 4), from
     * the same assignments as purity and neural selectivity.
     */
    private void writeWinners(SomGrid grid, ImageSet evaluated, int[] bmus, long seed) throws IOException {
        String[] names = evaluated.classNames().isEmpty() ? null : evaluated.classNames().toArray(String[]::new);
        Files.write(options.out().resolve("winners.png"), WinnersPlot.png(grid, bmus, evaluated.labels(), names, seed));
    }

    private void writeMaps(SomGrid grid, ImageSet labelled, int[] bmus, float[][] prototypeImages)
            throws IOException {
        int units = grid.units();
        int scale = units > 900 ? 1 : 2;
        MapImages.writePng(MapImages.prototypeMosaic(prototypeImages, labelled.channels(), labelled.height(),
                labelled.width(), grid, scale, 1), options.out().resolve("prototypes.png"));
        int classes = labelled.numClasses();
        MapImages.writePng(MapImages.labelMap(ClusteringMetrics.majorityLabels(bmus, labelled.labels(), units),
                classes, grid, units > 900 ? 12 : 24, labelled.classNames()), options.out().resolve("label_map.png"));
        MapImages.writePng(MapImages.hitMap(ClusteringMetrics.hits(bmus, units), grid, units > 900 ? 12 : 24),
                options.out().resolve("hits.png"));
    }

    static void requireShape(io.vitsom.model.map.MapModelConfig config, ImageSet data) {
        config.requireInput(data.channels(), data.height(), data.width(), data.name());
    }
}
