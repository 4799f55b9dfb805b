package io.vitsom.bench.mask;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.vitsom.bench.EpochOrder;
import io.vitsom.bench.InterruptedRun;
import io.vitsom.bench.ProcessStats;
import io.vitsom.bench.Progress;
import io.vitsom.model.config.DataSection;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.data.Splits;
import io.vitsom.model.render.MapImages;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.sommask.Arm;
import io.vitsom.model.sommask.CompetitiveSom;
import io.vitsom.model.sommask.SomMaskConfig;
import io.vitsom.model.sommask.SomMaskNet;
import io.vitsom.model.sommask.SomMaskTrainer;
import io.vitsom.model.train.StopRequestedException;
import io.vitsom.model.train.StopSignal;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;

/**
 * The SOM-as-a-mask benchmark (seed 002): trains the configured SOM-masked network and every comparison arm of the
 * config ({@link SomMaskConfig#arms()}) for the same epochs on the same data, {@code runs} times each, measures test
 * accuracy after every epoch and the active neurons after the last, and writes {@code results.json},
 * {@code results.md}, {@code curves.png} and {@code som_prototypes.png} (the first masked layer's SOM of the
 * configured network, first run) into the output folder ({@link MaskBenchReport}).
 *
 * <p>Every arm of a run starts from the same engine seed and sees the batches in the same order, so the arms differ
 * by their network only. A {@link StopSignal} stops it between steps: the finished arm runs are written, the
 * interrupted one is named and left out.
 */
public final class MaskBench {
    /** Images per evaluation forward pass. */
    static final int EVAL_BATCH = 500;

    private final MaskBenchOptions options;
    private final PrintStream log;
    private final StopSignal stop;
    private int epochsDone;

    /**
     * @param options what was asked
     * @param log progress and the final table (stderr)
     * @param stop ends the benchmark early at a step boundary
     */
    public MaskBench(MaskBenchOptions options, PrintStream log, StopSignal stop) {
        this.options = Objects.requireNonNull(options, "options");
        this.log = Objects.requireNonNull(log, "log");
        this.stop = Objects.requireNonNull(stop, "stop");
    }

    /** The first masked layer's prototypes of the first run's configured network, for the picture. */
    private record Prototypes(float[][] values, SomGrid grid) {
    }

    /** Runs every arm, writes every output file and returns the report that was written. */
    public MaskBenchReport run(SomMaskConfig config, Splits splits) throws IOException {
        long wallStart = System.nanoTime();
        ImageSet train = options.limit() == null ? splits.train() : splits.train().limit(options.limit());
        ImageSet test = splits.test().orElseThrow(() -> new IllegalArgumentException(
                splits.name() + " has no test split: the SOM-mask benchmark reports test accuracy"));
        for (ImageSet set : List.of(train, test)) {
            requireFits(config, set);
        }
        SomMaskConfig runConfig = options.epochs() == null ? config : config.withTotalEpochs(options.epochs());
        int epochs = runConfig.totalEpochs();
        List<Arm> arms = runConfig.arms();
        Files.createDirectories(options.out());
        log.printf(Locale.ROOT, "bench: som_mask (%s) on %s: %d train / %d test images of %s, %d arm(s) %s, "
                        + "%d epoch(s), batch %d, %d run(s)%n", runConfig.network().configName(), splits.name(),
                train.size(), test.size(), train.shape(), arms.size(), arms.stream().map(Arm::name).toList(), epochs,
                runConfig.batchSize(), options.runs());
        List<List<ArmRun>> runs = new ArrayList<>();
        long[] params = new long[arms.size()];
        arms.forEach(a -> runs.add(new ArrayList<>()));
        Prototypes prototypes = null;
        InterruptedRun interrupted = null;
        String interruptedArm = null;
        outer:
        for (int r = 0; r < options.runs(); r++) {
            long seed = options.seed() + r;
            for (int a = 0; a < arms.size(); a++) {
                Arm arm = arms.get(a);
                epochsDone = 0;
                if (stop.isRequested()) {
                    interrupted = new InterruptedRun(seed, epochs, 0, "start", stop.reason());
                    interruptedArm = arm.name();
                    break outer;
                }
                log.printf(Locale.ROOT, "run %d/%d (seed %d), arm %d/%d %s: %s%n", r + 1, options.runs(), seed, a + 1,
                        arms.size(), arm.name(), arm.description());
                try (NDManager manager = NDManager.newBaseManager();
                     SomMaskNet net = new SomMaskNet(arm.plan(runConfig), seed)) {
                    Engine.getInstance().setRandomSeed((int) seed);
                    net.initialize(manager);
                    params[a] = net.parameterCount();
                    runs.get(a).add(train(runConfig, net, manager, train, test, seed, arm.name()));
                    if (r == 0 && a == 0 && !net.soms().isEmpty()) {
                        CompetitiveSom first = net.soms().get(0);
                        prototypes = new Prototypes(first.prototypes(), first.grid());
                    }
                } catch (StopRequestedException e) {
                    String stage = epochsDone < epochs ? "training" : "evaluation";
                    interrupted = new InterruptedRun(seed, epochs, epochsDone, stage, e.getMessage());
                    interruptedArm = arm.name();
                    log.printf(Locale.ROOT, "%nstopped: run %d/%d (seed %d), arm %s interrupted %s; writing what "
                            + "finished%n", r + 1, options.runs(), seed, arm.name(), interrupted.when());
                    break outer;
                }
            }
        }
        List<ArmResult> results = new ArrayList<>();
        for (int a = 0; a < arms.size(); a++) {
            results.add(new ArmResult(arms.get(a).name(), arms.get(a).description(), params[a], runs.get(a)));
        }
        MaskBenchReport report = new MaskBenchReport(options.config().toString(), runConfig,
                options.data().toAbsolutePath().toString(), splits.name(), options.limit(), options.seed(),
                options.runs(), train.size(), test.size(), ProcessStats.machine(),
                (System.nanoTime() - wallStart) / 1e9, results, interrupted, interruptedArm);
        report.write(options.out());
        if (prototypes != null) {
            MapImages.writePng(mosaic(prototypes, train, runConfig), options.out().resolve("som_prototypes.png"));
        }
        log.println();
        log.print(report.markdown());
        log.printf("%nwrote %s%s%n", options.out().toAbsolutePath(), report.incomplete() ? " (incomplete)" : "");
        return report;
    }

    private static void requireFits(SomMaskConfig config, ImageSet set) {
        DataSection d = config.data();
        if (set.channels() != d.numChannels() || set.height() != d.inputSize() || set.width() != d.inputSize()) {
            throw new IllegalArgumentException(set.name() + " holds " + set.shape() + " images; the config expects "
                    + d.numChannels() + "x" + d.inputSize() + "x" + d.inputSize());
        }
        int max = Arrays.stream(set.labels()).max().orElse(-1);
        if (!set.fullyLabelled() || max >= d.numClasses()) {
            throw new IllegalArgumentException(set.name() + " needs labels in [0, " + d.numClasses()
                    + ") (data.num_classes), max label " + max);
        }
    }

    /** Trains one arm for the config's epochs, evaluating the test split after each. */
    private ArmRun train(SomMaskConfig config, SomMaskNet net, NDManager manager, ImageSet train, ImageSet test,
                         long seed, String arm) {
        int epochs = config.totalEpochs();
        int batch = config.batchSize();
        List<ArmRun.EpochPoint> curve = new ArrayList<>();
        double trainSeconds = 0;
        SomMaskTrainer.Evaluation evaluation = null;
        Random shuffle = new Random(seed);
        int[] order = EpochOrder.identity(train.size());
        try (SomMaskTrainer trainer = new SomMaskTrainer(net, config.optimizer(), manager)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                EpochOrder.shuffle(order, shuffle);
                Progress progress = new Progress(String.format(Locale.ROOT, "%s epoch %d/%d", arm, epoch + 1, epochs),
                        order.length);
                long start = System.nanoTime();
                double lossSum = 0;
                int seen = 0;
                for (int[] idx : EpochOrder.batches(order, batch)) {
                    // The step boundary: no step starts after a stop was requested.
                    stop.throwIfRequested();
                    double loss = trainer.step(train.batch(idx), train.labelsOf(idx));
                    lossSum += loss * idx.length;
                    seen += idx.length;
                    progress.update(seen, String.format(Locale.ROOT, "loss %.4f", loss));
                }
                trainSeconds += (System.nanoTime() - start) / 1e9;
                epochsDone = epoch + 1;
                stop.throwIfRequested();
                evaluation = trainer.evaluate(test, EVAL_BATCH, null);
                curve.add(new ArmRun.EpochPoint(epoch + 1, evaluation.accuracy(), lossSum / seen));
                log.printf(Locale.ROOT, "%s epoch %d/%d: train loss %.4f, test accuracy %.4f, active neurons %s "
                                + "(%.1f s training)%n", arm, epoch + 1, epochs, lossSum / seen, evaluation.accuracy(),
                        Arrays.toString(rounded(evaluation.activePerLayer())), trainSeconds);
            }
        }
        return new ArmRun(seed, evaluation.accuracy(), evaluation.activePerLayer(), curve, trainSeconds);
    }

    private static double[] rounded(double[] values) {
        return Arrays.stream(values).map(v -> Math.round(v * 10) / 10.0).toArray();
    }

    /**
     * The prototypes as tiles shaped like what the SOM reads: images (fc first layer, cnn) or gray patches
     * (conv_som); anything else (never the first masked layer) as a one-row strip.
     */
    private static BufferedImage mosaic(Prototypes p, ImageSet train, SomMaskConfig config) {
        int dim = p.values()[0].length;
        int channels = train.channels();
        int side = train.height();
        if (dim == train.imageSize()) {
            return MapImages.prototypeMosaic(p.values(), channels, side, train.width(), p.grid(), side < 20 ? 4 : 2, 2);
        }
        int patch = config.mask().patchSize();
        if (dim == patch * patch) {
            return MapImages.prototypeMosaic(p.values(), 1, patch, patch, p.grid(), 8, 2);
        }
        return MapImages.prototypeMosaic(p.values(), 1, 1, dim, p.grid(), 2, 2);
    }
}
