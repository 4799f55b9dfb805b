package io.vitsom.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.data.Splits;
import io.vitsom.model.infer.Assignments;
import io.vitsom.model.infer.VitSomPredictor;
import io.vitsom.model.metrics.ClusteringMetrics;
import io.vitsom.model.nn.VitSom;
import io.vitsom.model.render.MapImages;
import io.vitsom.model.som.KohonenSom;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.train.EpochSchedule;
import io.vitsom.model.train.StepResult;
import io.vitsom.model.train.TrainingPlan;
import io.vitsom.model.train.VitSomTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The offline clustering benchmark: trains ViT-SOM (or the Kohonen SOM baseline) from scratch on a dataset
 * under a protocol, evaluates purity and NMI, and writes results and map images. The CLI is {@link BenchCommand}.
 */
public final class ClusteringBench {
    /** Batch size of inference passes (BMU assignment). */
    static final int EVAL_BATCH = 256;

    private final BenchOptions options;
    private final PrintStream log;

    public ClusteringBench(BenchOptions options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    /** The images a protocol trains on and evaluates. */
    record Data(String dataset, ImageSet train, ImageSet test, ImageSet all) {
    }

    /** Selects train/eval sets from the splits as the protocol says; {@code limit} cuts the training set. */
    static Data select(Splits splits, Protocol protocol, Integer limit) {
        ImageSet train = splits.train();
        ImageSet test = splits.test().orElse(null);
        if (protocol == Protocol.REFERENCE) {
            ImageSet all = test == null ? train : train.concat(test);
            return new Data(splits.name(), null, null, limit == null ? all : all.limit(limit));
        }
        return new Data(splits.name(), limit == null ? train : train.limit(limit), test, null);
    }

    /** Runs the benchmark and writes every output file; returns the report that was written. */
    public BenchReport run(VitSomConfig config, Splits splits) throws IOException {
        Data data = select(splits, options.protocol(), options.limit());
        ImageSet trainSet = data.all() != null ? data.all() : data.train();
        requireShape(config, trainSet);
        if (!trainSet.fullyLabelled()) {
            throw new IllegalArgumentException(trainSet.name() + " has unlabelled images: purity and NMI need labels");
        }
        int epochs = options.epochs() != null ? options.epochs() : config.totalEpochs();
        // The schedules follow the budget actually run: epochs and (limited) training-set size.
        VitSomConfig runConfig = Budgets.scaleToEpochs(config, epochs);
        Files.createDirectories(options.out());
        log.printf(Locale.ROOT, "bench: %s on %s (%s protocol): train %d images of %s, %d epoch(s), batch %d, %d run(s)%n",
                options.model().label(), data.dataset(), options.protocol().name().toLowerCase(Locale.ROOT),
                trainSet.size(), trainSet.shape(), epochs, runConfig.batchSize(), options.runs());
        List<RunMetrics> runs = new ArrayList<>();
        long params = 0;
        for (int r = 0; r < options.runs(); r++) {
            long seed = options.seed() + r;
            log.printf(Locale.ROOT, "run %d/%d, seed %d%n", r + 1, options.runs(), seed);
            boolean keepArtifacts = r == 0;
            if (options.model() == ModelKind.SOM) {
                runs.add(runKohonen(runConfig, data, trainSet, epochs, seed, keepArtifacts));
                params = (long) runConfig.som().units() * trainSet.imageSize();
            } else {
                try (NDManager manager = NDManager.newBaseManager()) {
                    RunMetrics m = runVitSom(runConfig, data, trainSet, epochs, seed, manager, keepArtifacts);
                    runs.add(m);
                }
                params = vitSomParameterCount(runConfig);
            }
        }
        BenchReport report = new BenchReport(options.model().label(), options.configFile().toString(), data.dataset(),
                options.protocol(), epochs, options.limit(), trainSet.size(), runConfig.batchSize(),
                Engine.getInstance().defaultDevice().toString(), ProcessStats.machine(), params, runs);
        report.write(options.out());
        log.println();
        log.print(report.markdown());
        log.printf("%nwrote %s%n", options.out().toAbsolutePath());
        return report;
    }

    private RunMetrics runVitSom(VitSomConfig config, Data data, ImageSet trainSet, int epochs, long seed,
                                 NDManager manager, boolean keepArtifacts) throws IOException {
        Engine.getInstance().setRandomSeed((int) seed);
        VitSom model = VitSom.builder().setConfig(config).build();
        model.initialize(manager);
        TrainingPlan plan = new TrainingPlan(trainSet.size(), config.batchSize(), epochs);
        ImageSet epochEval = trainSet.limit(options.epochEvalLimit());
        VitSomPredictor predictor = new VitSomPredictor(model, manager);
        List<RunMetrics.EpochLog> epochLog = new ArrayList<>();
        Random shuffle = new Random(seed);
        double trainSeconds = 0;
        try (VitSomTrainer trainer = new VitSomTrainer(model, manager, new EpochSchedule(config, plan))) {
            Progress progress = new Progress("train", plan.totalSteps());
            int[] order = identity(trainSet.size());
            for (int epoch = 0; epoch < epochs; epoch++) {
                shuffleInPlace(order, shuffle);
                long epochStart = System.nanoTime();
                double lossSum = 0;
                int imagesThisEpoch = 0;
                for (int start = 0; start < order.length; start += config.batchSize()) {
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
                Clustering c = Clustering.of(predictor.assign(epochEval, EVAL_BATCH, null).bmu(), epochEval);
                epochLog.add(new RunMetrics.EpochLog(epoch + 1, lossSum / imagesThisEpoch, c.purity(), c.nmi(), trainSeconds));
                log.printf(Locale.ROOT, "epoch %d: loss %.4f, purity %.4f, NMI %.4f on %d training images (%.0f s)%n",
                        epoch + 1, lossSum / imagesThisEpoch, c.purity(), c.nmi(), epochEval.size(), trainSeconds);
            }
        }
        Evaluation eval = evaluate(data, set -> predictor.assign(set, EVAL_BATCH, null).bmu());
        if (keepArtifacts) {
            ImageSet labelled = data.all() != null ? data.all() : data.train();
            int[] bmus = eval.trainOrAllBmus();
            double norm = predictor.meanLatentNorm(labelled, 512);
            writeMaps(config, labelled, bmus, predictor.decodePrototypes(norm));
            ObjectNode provenance = BenchReport.JSON.createObjectNode();
            provenance.put("dataset", data.dataset());
            provenance.put("data_path", options.dataDir().toAbsolutePath().toString());
            provenance.put("protocol", options.protocol().name().toLowerCase(Locale.ROOT));
            if (options.limit() != null) {
                provenance.put("limit", options.limit());
            }
            provenance.put("epochs", epochs);
            provenance.put("train_images", trainSet.size());
            Checkpoint.save(options.out().resolve("model"), model, java.util.Map.of(), plan.totalSteps(),
                    plan.totalSteps(), seed, provenance);
        }
        return eval.toMetrics(seed, trainSeconds, trainSet.size() * (double) epochs / trainSeconds, epochLog);
    }

    private RunMetrics runKohonen(VitSomConfig config, Data data, ImageSet trainSet, int epochs, long seed,
                                  boolean keepArtifacts) throws IOException {
        SomGrid grid = config.som().grid();
        KohonenSom som = new KohonenSom(grid, trainSet.imageSize(), seed);
        ImageSet epochEval = trainSet.limit(options.epochEvalLimit());
        Progress progress = new Progress("train", (long) epochs * trainSet.size());
        List<RunMetrics.EpochLog> epochLog = new ArrayList<>();
        // The sigma and learning-rate schedules span the whole run, so all epochs are one call;
        // purity is logged once, after training.
        long start = System.nanoTime();
        som.train(trainSet, epochs, (epoch, seen, total, qe) -> progress.update(
                // KohonenSom counts epochs from 1.
                (long) (epoch - 1) * trainSet.size() + seen, String.format(Locale.ROOT, "epoch %d/%d QE %.4f", epoch, epochs, qe)));
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Clustering c = Clustering.of(som.bmus(epochEval), epochEval);
        epochLog.add(new RunMetrics.EpochLog(epochs, Double.NaN, c.purity(), c.nmi(), trainSeconds));
        Evaluation eval = evaluate(data, som::bmus);
        if (keepArtifacts) {
            ImageSet labelled = data.all() != null ? data.all() : data.train();
            writeMaps(config, labelled, eval.trainOrAllBmus(), som.prototypes());
        }
        return eval.toMetrics(seed, trainSeconds, trainSet.size() * (double) epochs / trainSeconds, epochLog);
    }

    /** Assignments of the protocol's evaluation sets, and how long assigning the reported set took. */
    record Evaluation(Clustering train, Clustering test, Clustering all, int[] trainOrAllBmus, double inferenceSeconds) {
        RunMetrics toMetrics(long seed, double trainSeconds, double imagesPerSecond, List<RunMetrics.EpochLog> log) {
            double nan = Double.NaN;
            return new RunMetrics(seed, train == null ? nan : train.purity(), train == null ? nan : train.nmi(),
                    test == null ? nan : test.purity(), test == null ? nan : test.nmi(),
                    all == null ? nan : all.purity(), all == null ? nan : all.nmi(),
                    trainSeconds, inferenceSeconds, imagesPerSecond, ProcessStats.peakRssMb(), log);
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
            return new Evaluation(null, null, Clustering.of(bmus, data.all()), bmus, seconds);
        }
        int[] trainBmus = assigner.bmus(data.train());
        Clustering test = null;
        double seconds = Double.NaN;
        if (data.test() != null) {
            long t0 = System.nanoTime();
            int[] testBmus = assigner.bmus(data.test());
            seconds = (System.nanoTime() - t0) / 1e9;
            test = Clustering.of(testBmus, data.test());
        }
        return new Evaluation(Clustering.of(trainBmus, data.train()), test, null, trainBmus, seconds);
    }

    private void writeMaps(VitSomConfig config, ImageSet labelled, int[] bmus, float[][] prototypeImages)
            throws IOException {
        SomGrid grid = config.som().grid();
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

    static long vitSomParameterCount(VitSomConfig config) {
        try (NDManager manager = NDManager.newBaseManager()) {
            VitSom model = VitSom.builder().setConfig(config).build();
            model.initialize(manager);
            return model.trainableParameterCount();
        }
    }

    static void requireShape(VitSomConfig config, ImageSet data) {
        config.requireInput(data.channels(), data.height(), data.width(), data.name());
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static void shuffleInPlace(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
