package io.vitsom.bench.classify;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.bench.EpochOrder;
import io.vitsom.bench.InterruptedRun;
import io.vitsom.bench.ProcessStats;
import io.vitsom.bench.Progress;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.data.Splits;
import io.vitsom.model.metrics.ClassificationMetrics;
import io.vitsom.model.nn.Autograd;
import io.vitsom.model.nn.VitSom;
import io.vitsom.model.train.EpochSchedule;
import io.vitsom.model.train.StepResult;
import io.vitsom.model.train.StopRequestedException;
import io.vitsom.model.train.StopSignal;
import io.vitsom.model.train.TrainingPlan;
import io.vitsom.model.train.VitSomTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The offline classification benchmark (reference protocol): trains a classification config (ViT-SOM-cls,
 * {@code model_arch: vit_som} with {@code num_classes > 0}, or the plain ViT, {@code model_arch: vit}) from
 * scratch on the 80% training part of the training split, with the reference's training augmentation drawn
 * afresh per image per epoch (seeded per run), label-smoothed cross-entropy (+ gamma_t * SOM loss) as
 * {@link VitSomTrainer} does and the config's schedules stretched over the epochs actually run. After every
 * epoch it measures validation accuracy on the 20% part; at the end it scores the test split (accuracy, macro
 * precision/recall/F1) through the evaluation transform, and writes results and the first run's checkpoint.
 *
 * <p>A {@link StopSignal} stops it between training steps: the finished runs are written with the interrupted one
 * marked incomplete ({@link InterruptedRun}), and no further run starts.
 */
public final class ClassificationBench {
    /** Batch size of inference passes. */
    static final int EVAL_BATCH = 256;

    private final ClassificationOptions options;
    private final PrintStream log;
    private final ImageViews viewsOrNull;
    private final StopSignal stop;
    /** Complete epochs of the run in progress, for the record of a run a stop interrupts. */
    private int epochsDone;

    /** A benchmark that runs to the end (nothing requests its stop). */
    public ClassificationBench(ClassificationOptions options, PrintStream log) {
        this(options, log, null, new StopSignal());
    }

    /** A benchmark that {@code stop} ends early, at a step boundary, writing what finished. */
    public ClassificationBench(ClassificationOptions options, PrintStream log, StopSignal stop) {
        this(options, log, null, stop);
    }

    /** With custom image views (tests observe which images get augmented); null for the config's. */
    ClassificationBench(ClassificationOptions options, PrintStream log, ImageViews views) {
        this(options, log, views, new StopSignal());
    }

    private ClassificationBench(ClassificationOptions options, PrintStream log, ImageViews views, StopSignal stop) {
        this.options = Objects.requireNonNull(options, "options");
        this.log = Objects.requireNonNull(log, "log");
        this.viewsOrNull = views;
        this.stop = Objects.requireNonNull(stop, "stop");
    }

    /** The label results use for a config's model: {@code vit_som_cls} or {@code vit}. */
    public static String modelLabel(VitSomConfig config) {
        return config.usesSom() ? "vit_som_cls" : "vit";
    }

    /** The images one benchmark uses. */
    record Data(String dataset, TrainValSplit split, ImageSet test) {
    }

    /**
     * The reference's split of {@code splits}: the training split (with {@code limit}, a seed-0 random sample of
     * that many of its images) cut 80/20 with seed 0, and the test split.
     */
    static Data select(Splits splits, Integer limit) {
        ImageSet test = splits.test().orElseThrow(() -> new IllegalArgumentException(
                splits.name() + " has no test split: the classification benchmark reports test-split metrics"));
        return new Data(splits.name(), TrainValSplit.of(splits.train(), limit), test);
    }

    /** Runs the benchmark and writes every output file; returns the report that was written. */
    public ClassificationReport run(VitSomConfig config, Splits splits) throws IOException {
        if (!config.classification()) {
            throw new IllegalArgumentException("the classification benchmark needs data.num_classes > 0");
        }
        Data data = select(splits, options.limit());
        ImageSet train = data.split().train();
        ImageSet val = data.split().validation();
        for (ImageSet set : List.of(train, data.test())) {
            config.requireInput(set.channels(), set.height(), set.width(), set.name());
            int max = Arrays.stream(set.labels()).max().orElse(-1);
            if (!set.fullyLabelled() || max >= config.data().numClasses()) {
                throw new IllegalArgumentException(set.name() + " needs labels in [0, " + config.data().numClasses()
                        + ") (data.num_classes), max label " + max);
            }
        }
        int epochs = options.epochs() != null ? options.epochs() : config.totalEpochs();
        VitSomConfig runConfig = scaleToEpochs(config, epochs);
        ImageViews views = viewsOrNull != null ? viewsOrNull : ImageViews.of(runConfig);
        String model = modelLabel(config);
        java.nio.file.Files.createDirectories(options.out());
        log.printf(Locale.ROOT, "bench: %s on %s (classification protocol): train %d / validation %d images of %s "
                        + "(80/20 cut, seed 0), test %d, %d epoch(s), batch %d, %d run(s)%n",
                model, data.dataset(), train.size(), val.size(), train.shape(), data.test().size(), epochs,
                runConfig.batchSize(), options.runs());
        List<ClassificationRunMetrics> runs = new ArrayList<>();
        InterruptedRun interrupted = null;
        long[] params = new long[2];
        for (int r = 0; r < options.runs(); r++) {
            long seed = options.seed() + r;
            epochsDone = 0;
            try {
                if (stop.isRequested()) {
                    interrupted = new InterruptedRun(seed, epochs, 0, "start", stop.reason());
                    break;
                }
                log.printf(Locale.ROOT, "run %d/%d, seed %d%n", r + 1, options.runs(), seed);
                try (NDManager manager = NDManager.newBaseManager()) {
                    runs.add(runOnce(runConfig, data, views, epochs, seed, manager, r == 0, params));
                }
            } catch (StopRequestedException e) {
                // The manager is closed by now, on this thread, after the last step returned.
                String stage = epochsDone < epochs ? "training" : "evaluation";
                interrupted = new InterruptedRun(seed, epochs, epochsDone, stage, e.getMessage());
                log.printf(Locale.ROOT, "%nstopped: run %d/%d (seed %d) interrupted %s; writing the %d finished "
                        + "run(s)%n", r + 1, options.runs(), seed, interrupted.when(), runs.size());
                break;
            }
        }
        ClassificationReport report = new ClassificationReport(model, options.configFile().toString(), data.dataset(),
                epochs, options.limit(), train.size(), val.size(), data.test().size(), runConfig.batchSize(),
                Engine.getInstance().defaultDevice().toString(), ProcessStats.machine(), params[0], params[1], runs,
                interrupted);
        report.write(options.out());
        log.println();
        log.print(report.markdown());
        log.printf("%nwrote %s%s%n", options.out().toAbsolutePath(), report.incomplete() ? " (incomplete)" : "");
        return report;
    }

    private ClassificationRunMetrics runOnce(VitSomConfig config, Data data, ImageViews views, int epochs, long seed,
                                             NDManager manager, boolean keepCheckpoint, long[] params)
            throws IOException {
        ImageSet train = data.split().train();
        ImageSet val = data.split().validation();
        int numClasses = config.data().numClasses();
        Engine.getInstance().setRandomSeed((int) seed);
        VitSom model = VitSom.builder().setConfig(config).build();
        model.initialize(manager);
        params[0] = model.trainableParameterCount();
        params[1] = params[0] - model.trainableParameterCount("vit.decoder") - model.trainableParameterCount("som_layer");
        TrainingPlan plan = new TrainingPlan(train.size(), config.batchSize(), epochs);
        RandomGenerator augmentRng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        Random shuffle = new Random(seed);
        List<ClassificationRunMetrics.EpochLog> epochLog = new ArrayList<>();
        double trainSeconds = 0;
        double validationAccuracy = Double.NaN;
        ClassificationMetrics test;
        double inferenceSeconds;
        try (VitSomTrainer trainer = new VitSomTrainer(model, manager, new EpochSchedule(config, plan))) {
            Progress progress = new Progress("train", plan.totalSteps());
            int[] order = new int[train.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            for (int epoch = 0; epoch < epochs; epoch++) {
                EpochOrder.shuffle(order, shuffle);
                long epochStart = System.nanoTime();
                double lossSum = 0;
                int seen = 0;
                for (int start = 0; start < order.length; start += config.batchSize()) {
                    // The step boundary: no step starts after a stop was requested.
                    stop.throwIfRequested();
                    int b = Math.min(config.batchSize(), order.length - start);
                    int[] idx = Arrays.copyOfRange(order, start, start + b);
                    StepResult s = trainer.step(views.trainBatch(train, idx, augmentRng), train.labelsOf(idx), b);
                    lossSum += s.totalLoss() * b;
                    seen += b;
                    double rate = seen / ((System.nanoTime() - epochStart) / 1e9);
                    progress.update(trainer.stepCount(), String.format(Locale.ROOT,
                            "epoch %d/%d %.0f img/s loss %.4f ce %.4f som %.4f T %.3g gamma %.2g lr %.3g",
                            epoch + 1, epochs, rate, s.totalLoss(), s.clsLoss(), s.somLoss(), s.temperature(),
                            s.gamma(), s.learningRate()));
                }
                trainSeconds += (System.nanoTime() - epochStart) / 1e9;
                epochsDone = epoch + 1;
                stop.throwIfRequested();
                validationAccuracy = ClassificationMetrics.of(predict(model, manager, views, val, null), val.labels(),
                        numClasses).accuracy();
                epochLog.add(new ClassificationRunMetrics.EpochLog(epoch + 1, lossSum / seen, validationAccuracy,
                        trainSeconds));
                log.printf(Locale.ROOT, "epoch %d: loss %.4f, validation accuracy %.4f on %d images (%.0f s)%n",
                        epoch + 1, lossSum / seen, validationAccuracy, val.size(), trainSeconds);
            }
            stop.throwIfRequested();
            long t0 = System.nanoTime();
            int[] predicted = predict(model, manager, views, data.test(), new Progress("test", data.test().size()));
            inferenceSeconds = (System.nanoTime() - t0) / 1e9;
            test = ClassificationMetrics.of(predicted, data.test().labels(), numClasses);
            log.printf(Locale.ROOT, "test: accuracy %.4f, macro precision %.4f, recall %.4f, F1 %.4f on %d images "
                            + "(%.1f s, %.0f img/s)%n", test.accuracy(), test.macroPrecision(), test.macroRecall(),
                    test.macroF1(), data.test().size(), inferenceSeconds, data.test().size() / inferenceSeconds);
            if (keepCheckpoint) {
                ObjectNode provenance = ClassificationReport.JSON.createObjectNode();
                provenance.put("task", "classification");
                provenance.put("dataset", data.dataset());
                provenance.put("data_path", options.dataDir().toAbsolutePath().toString());
                provenance.put("protocol", "classification");
                if (options.limit() != null) {
                    provenance.put("limit", options.limit());
                }
                provenance.put("epochs", epochs);
                provenance.put("train_images", train.size());
                provenance.put("validation_images", val.size());
                provenance.put("split_seed", TrainValSplit.SPLIT_SEED);
                provenance.put("test_accuracy", test.accuracy());
                Checkpoint.save(options.out().resolve("model"), trainer, seed, provenance);
            }
        }
        return new ClassificationRunMetrics(seed, test.accuracy(), test.macroPrecision(), test.macroRecall(),
                test.macroF1(), validationAccuracy, trainSeconds, train.size() * (double) epochs / trainSeconds,
                inferenceSeconds, data.test().size() / inferenceSeconds, ProcessStats.peakRssMb(), epochLog);
    }

    /**
     * Predicted class (argmax of the logits) of every image of {@code set}, through the evaluation view;
     * {@code progressOrNull} receives the images done.
     */
    /**
     * Evaluates a trained classifier on the test split as {@link #run} does (evaluation transform, accuracy and
     * macro precision/recall/F1): what {@code vitsom eval} reports for a classification checkpoint.
     */
    public static ClassificationMetrics evaluateTest(VitSom model, NDManager manager, Splits splits) {
        VitSomConfig config = model.config();
        ImageSet test = splits.test().orElseThrow(() ->
                new IllegalArgumentException(splits.name() + " has no test split to evaluate on"));
        int[] predicted = predict(model, manager, ImageViews.of(config), test, new Progress("test", test.size()));
        return ClassificationMetrics.of(predicted, test.labels(), config.data().numClasses());
    }

    /** The predicted class of every image of {@code set} through the config's evaluation view, as the test scores. */
    public static int[] predict(VitSom model, NDManager manager, ImageSet set) {
        return predict(model, manager, ImageViews.of(model.config()), set, null);
    }

    static int[] predict(VitSom model, NDManager manager, ImageViews views, ImageSet set, Progress progressOrNull) {
        long t0 = System.nanoTime();
        VitSomConfig config = model.config();
        int c = config.data().numChannels();
        int s = config.data().inputSize();
        ParameterStore ps = new ParameterStore(manager, false);
        int[] out = new int[set.size()];
        for (int start = 0; start < set.size(); start += EVAL_BATCH) {
            int b = Math.min(EVAL_BATCH, set.size() - start);
            int[] idx = new int[b];
            for (int i = 0; i < b; i++) {
                idx[i] = start + i;
            }
            float[] images = views.evalBatch(set, idx);
            try (NDScope scope = new NDScope(); Autograd off = Autograd.off()) {
                scope.suppressNotUsedWarning();
                NDArray x = manager.create(images, new Shape(b, c, s, s));
                PairList<String, Object> p = new PairList<>();
                p.add(VitSom.SKIP_DECODER, Boolean.TRUE);
                VitSom.Outputs o = VitSom.Outputs.of(model, model.forward(ps, new NDList(x), false, p));
                long[] best = o.logits().orElseThrow().argMax(1).toLongArray();
                for (int i = 0; i < b; i++) {
                    out[start + i] = Math.toIntExact(best[i]);
                }
            }
            if (progressOrNull != null) {
                int done = start + b;
                progressOrNull.update(done, String.format(Locale.ROOT, "%.0f img/s",
                        done / ((System.nanoTime() - t0) / 1e9)));
            }
        }
        return out;
    }

    /**
     * The config with {@code total_epochs = epochs} and the LR warm-up scaled by the same ratio (as the
     * clustering benchmark does), so a short run leaves warm-up; temperature and gamma follow the step budget.
     */
    static VitSomConfig scaleToEpochs(VitSomConfig config, int epochs) {
        if (epochs == config.totalEpochs()) {
            return config;
        }
        VitSomConfig.Optimizer o = config.optimizer();
        double warmup = o.warmupEpochs() * epochs / config.totalEpochs();
        VitSomConfig.Optimizer scaled = new VitSomConfig.Optimizer(o.type(), o.lr(), o.minLr(), o.beta1(), o.beta2(),
                o.scheduler(), warmup, o.weightDecay(), o.layerDecay(), o.smoothing());
        return new VitSomConfig(config.modelArch(), epochs, config.batchSize(), config.gamma(), config.som(),
                config.vit(), scaled, config.data());
    }
}
