package io.vitsom.bench.generative;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.bench.EpochOrder;
import io.vitsom.bench.InterruptedRun;
import io.vitsom.bench.ProcessStats;
import io.vitsom.bench.Progress;
import io.vitsom.model.config.ConfigException;
import io.vitsom.model.config.ConfigNode;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.data.Splits;
import io.vitsom.model.generative.FeatureClassifier;
import io.vitsom.model.generative.FrechetDistance;
import io.vitsom.model.generative.InceptionScore;
import io.vitsom.model.gensom.GenSomConfig;
import io.vitsom.model.render.MapImages;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import io.vitsom.model.train.StopRequestedException;
import io.vitsom.model.train.StopSignal;
import io.vitsom.model.vae.VaeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * The generative benchmark of seed paper 004: trains Gen-SOM-Attn ({@code model_arch: gen_som_attn}) or the VAE
 * baseline ({@code model_arch: vae}), optionally both in one run ({@code --compare}), on the training split and scores
 * each on the test split: reconstruction MSE per pixel, "FID (FMNIST classifier features)" between generated and
 * real test images, and "IS (FMNIST classifier)" of generated images. Both scores use a small classifier trained
 * inside this project on the dataset's labelled training split (its test accuracy is reported with them), never an
 * Inception network, so their values are not comparable with published FID/IS numbers. The same classifier, test
 * images and sample count score every model of a run, and two real references frame them: the IS of real test
 * images and the FID between real training and test images.
 *
 * <p>A {@link StopSignal} stops it between training steps; the finished runs are written, the interrupted one marked.
 */
public final class GenerativeBench {
    /** The {@code model_arch} values this benchmark trains. */
    public static final Set<String> ARCHS = Set.of(GenSomConfig.MODEL_ARCH, VaeConfig.MODEL_ARCH);
    /** Images per inference pass. */
    static final int EVAL_BATCH = 256;
    /** Splits of the generated images over which IS is averaged (its usual protocol). */
    static final int IS_SPLITS = 10;

    private final GenerativeOptions options;
    private final PrintStream log;
    private final StopSignal stop;

    /** A benchmark that {@code stop} ends early, at a step boundary, writing what finished. */
    public GenerativeBench(GenerativeOptions options, PrintStream log, StopSignal stop) {
        this.options = Objects.requireNonNull(options, "options");
        this.log = Objects.requireNonNull(log, "log");
        this.stop = Objects.requireNonNull(stop, "stop");
    }

    /** Runs the benchmark and writes every output file; returns the report that was written. */
    public GenerativeReport run(Splits splits) throws IOException {
        ImageSet train = options.limit() == null ? splits.train() : splits.train().limit(options.limit());
        ImageSet test = splits.test().orElseThrow(() -> new IllegalArgumentException(
                splits.name() + " has no test split: the generative benchmark scores reconstructions and samples "
                        + "against test images"));
        List<Path> files = new ArrayList<>(List.of(options.configFile()));
        if (options.compareFile() != null) {
            files.add(options.compareFile());
        }
        List<ModelSpec> specs = new ArrayList<>();
        for (Path f : files) {
            specs.add(ModelSpec.load(f, options.epochs(), train));
        }
        if (specs.size() == 2 && specs.get(0).label().equals(specs.get(1).label())) {
            throw new IllegalArgumentException("--compare names a second " + specs.get(0).label()
                    + " config; compare two different models (e.g. configs/vae_fmnist.yaml)");
        }
        Files.createDirectories(options.out());
        int samples = Math.min(options.samples(), test.size());
        log.printf(Locale.ROOT, "bench: %s on %s (split protocol): train %d images of %s, test %d, %d run(s) each;"
                        + " FID/IS on %d generated vs %d test images%n", String.join(" vs ",
                        specs.stream().map(ModelSpec::label).toList()), splits.name(), train.size(), train.shape(),
                test.size(), options.runs(), samples, samples);
        try (NDManager manager = NDManager.newBaseManager();
             FeatureClassifier features = featureClassifier(splits, manager)) {
            double featureAccuracy = features.accuracy(test);
            log.printf(Locale.ROOT, "feature classifier: test accuracy %.4f%n", featureAccuracy);
            if (options.featureNet() == null) {
                // Saved after the test so that its manifest carries the accuracy the scores were made with.
                features.save(options.out().resolve("feature-net"));
            }
            ImageSet real = test.limit(samples);
            float[] realImages = real.batch(range(0, real.size()));
            float[][] realFeatures = chunked(features::features, realImages, real.size());
            ImageSet trainReal = splits.train().limit(Math.min(samples, splits.train().size()));
            GenerativeReport.Reference reference = new GenerativeReport.Reference(
                    InceptionScore.of(chunked(features::probabilities, realImages, real.size()), IS_SPLITS).mean(),
                    FrechetDistance.of(chunked(features::features, trainReal.batch(range(0, trainReal.size())),
                            trainReal.size()), realFeatures),
                    featureAccuracy, featureProvenance());
            List<GenerativeReport.ModelResult> results = new ArrayList<>();
            for (int m = 0; m < specs.size(); m++) {
                ModelSpec spec = specs.get(m);
                Path dir = m == 0 ? options.out() : options.out().resolve(spec.label());
                Files.createDirectories(dir);
                results.add(runModel(spec, train, test, realFeatures, features, dir));
                if (results.get(results.size() - 1).interrupted() != null) {
                    break;
                }
            }
            GenerativeReport report = new GenerativeReport(splits.name(), options.configFile().toString(),
                    options.compareFile() == null ? null : options.compareFile().toString(), train.size(),
                    test.size(), options.limit(), samples, Engine.getInstance().defaultDevice().toString(),
                    ProcessStats.machine(), reference, results);
            report.write(options.out());
            log.println();
            log.print(report.markdown());
            log.printf("%nwrote %s%s%n", options.out().toAbsolutePath(), report.incomplete() ? " (incomplete)" : "");
            return report;
        }
    }

    private GenerativeReport.ModelResult runModel(ModelSpec spec, ImageSet train, ImageSet test,
                                                  float[][] realFeatures, FeatureClassifier features, Path dir)
            throws IOException {
        List<GenerativeReport.Run> runs = new ArrayList<>();
        InterruptedRun interrupted = null;
        long params = 0;
        for (int r = 0; r < options.runs(); r++) {
            long seed = options.seed() + r;
            int[] epochsDone = {0};
            if (stop.isRequested()) {
                interrupted = new InterruptedRun(seed, spec.epochs(), 0, "start", stop.reason());
                break;
            }
            log.printf(Locale.ROOT, "%s run %d/%d, seed %d: %d epoch(s) of %d images, batch %d%n", spec.label(), r + 1,
                    options.runs(), seed, spec.epochs(), train.size(), spec.batchSize());
            try (GenerativeArm arm = spec.arm(seed, options.sigma())) {
                params = arm.parameterCount();
                runs.add(runOnce(arm, spec, seed, train, test, realFeatures, features, r == 0 ? dir : null,
                        epochsDone));
            } catch (StopRequestedException e) {
                String stage = epochsDone[0] < spec.epochs() ? "training" : "evaluation";
                interrupted = new InterruptedRun(seed, spec.epochs(), epochsDone[0], stage, e.getMessage());
                log.printf(Locale.ROOT, "%nstopped: %s run %d (seed %d) interrupted %s%n", spec.label(), r + 1, seed,
                        interrupted.when());
                break;
            }
        }
        return new GenerativeReport.ModelResult(spec.label(), spec.file().toString(), spec.epochs(),
                spec.batchSize(), params, runs, interrupted);
    }

    private GenerativeReport.Run runOnce(GenerativeArm arm, ModelSpec spec, long seed, ImageSet train, ImageSet test,
                                         float[][] realFeatures, FeatureClassifier features, Path picturesDirOrNull,
                                         int[] epochsDone) throws IOException {
        int batch = arm.batchSize();
        int stepsPerEpoch = (train.size() + batch - 1) / batch;
        Progress progress = new Progress("train " + arm.label(), (long) stepsPerEpoch * spec.epochs());
        Random shuffle = new Random(seed);
        int[] order = EpochOrder.identity(train.size());
        List<GenerativeReport.Epoch> epochs = new ArrayList<>();
        double trainSeconds = 0;
        long steps = 0;
        for (int epoch = 0; epoch < spec.epochs(); epoch++) {
            EpochOrder.shuffle(order, shuffle);
            long t0 = System.nanoTime();
            double lossSum = 0;
            for (int[] idx : EpochOrder.batches(order, batch)) {
                stop.throwIfRequested();
                lossSum += arm.step(train.batch(idx), idx.length) * idx.length;
                steps++;
                progress.update(steps, String.format(Locale.ROOT, "epoch %d/%d %s", epoch + 1, spec.epochs(),
                        arm.stepStatus()));
            }
            trainSeconds += (System.nanoTime() - t0) / 1e9;
            epochsDone[0] = epoch + 1;
            epochs.add(new GenerativeReport.Epoch(epoch + 1, lossSum / train.size(), trainSeconds));
            log.printf(Locale.ROOT, "%s epoch %d: loss %.5f (%.0f s)%n", arm.label(), epoch + 1,
                    lossSum / train.size(), trainSeconds);
        }
        stop.throwIfRequested();
        long evalStart = System.nanoTime();
        double mse = reconstructionMse(arm, test);
        Map<String, Double> sampling = arm.prepareSampling(train);
        Random random = new Random(seed);
        float[][] generated = arm.generate(realFeatures.length, random);
        float[] flat = flatten(generated);
        double fid = FrechetDistance.of(chunked(features::features, flat, generated.length), realFeatures);
        InceptionScore.SplitScores is = InceptionScore.of(chunked(features::probabilities, flat, generated.length),
                IS_SPLITS);
        Map<String, Double> extra = new LinkedHashMap<>(sampling);
        extra.putAll(arm.extraMetrics(test));
        double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
        log.printf(Locale.ROOT, "%s: recon MSE %.5f, FID (FMNIST classifier features) %.3f, IS (FMNIST classifier) "
                        + "%.3f +- %.3f, %s (%.0f s)%n", arm.label(), mse, fid, is.mean(), is.std(), extra,
                evalSeconds);
        if (picturesDirOrNull != null) {
            writeReconstructions(arm, test, picturesDirOrNull.resolve("reconstructions.png"));
            arm.writePictures(picturesDirOrNull, new Random(seed + 1));
            ObjectNode provenance = GenerativeReport.JSON.createObjectNode();
            provenance.put("task", "generative");
            provenance.put("dataset", test.name());
            provenance.put("data_path", options.dataDir().toAbsolutePath().toString());
            provenance.put("protocol", "split");
            if (options.limit() != null) {
                provenance.put("limit", options.limit());
            }
            provenance.put("epochs", spec.epochs());
            provenance.put("train_images", train.size());
            provenance.put("recon_mse", mse);
            provenance.put("fid_fmnist", fid);
            provenance.put("is_fmnist", is.mean());
            arm.save(picturesDirOrNull.resolve("model"), seed, provenance);
        }
        return new GenerativeReport.Run(seed, mse, fid, is.mean(), is.std(), arm.parameterCount(), trainSeconds,
                train.size() * (double) spec.epochs() / trainSeconds, evalSeconds, ProcessStats.peakRssMb(), extra,
                epochs);
    }

    private static double reconstructionMse(GenerativeArm arm, ImageSet test) {
        double sum = 0;
        for (int from = 0; from < test.size(); from += EVAL_BATCH) {
            int b = Math.min(EVAL_BATCH, test.size() - from);
            float[] images = test.batch(range(from, b));
            sum += squaredError(images, arm.reconstruct(images, b));
        }
        return sum / ((double) test.size() * test.imageSize());
    }

    /** Ten test images above their reconstructions. */
    private static void writeReconstructions(GenerativeArm arm, ImageSet test, Path file) throws IOException {
        int n = Math.min(10, test.size());
        float[] images = test.batch(range(0, n));
        float[] recon = arm.reconstruct(images, n);
        int size = test.imageSize();
        float[][] tiles = new float[2 * n][];
        for (int i = 0; i < n; i++) {
            tiles[i] = Arrays.copyOfRange(images, i * size, (i + 1) * size);
            tiles[n + i] = Arrays.copyOfRange(recon, i * size, (i + 1) * size);
        }
        MapImages.writePng(MapImages.prototypeMosaic(tiles, test.channels(), test.height(), test.width(),
                new SomGrid(2, n, Topology.SQUARE), 2, 2), file);
    }

    private FeatureClassifier featureClassifier(Splits splits, NDManager manager) throws IOException {
        if (options.featureNet() != null) {
            log.println("feature classifier: loading " + options.featureNet());
            return FeatureClassifier.load(options.featureNet(), manager);
        }
        ImageSet labelled = splits.train();
        if (!labelled.fullyLabelled()) {
            throw new IllegalArgumentException(splits.name() + " has unlabelled training images: the FID/IS feature "
                    + "classifier trains on labels; give a labelled dataset or --feature-net DIR");
        }
        // Its own fixed seed, whatever the run's: every run and model of every benchmark is scored by the same one.
        FeatureClassifier.Options d = FeatureClassifier.Options.defaults();
        FeatureClassifier.Options o = new FeatureClassifier.Options(options.featureEpochs(), d.batch(),
                d.learningRate(), d.seed());
        log.printf(Locale.ROOT, "feature classifier: training on the %d labelled training images of %s (%d epoch(s),"
                + " seed %d), saved in %s%n", labelled.size(), splits.name(), o.epochs(), o.seed(),
                options.out().resolve("feature-net"));
        return FeatureClassifier.train(labelled, o, log);
    }

    private ObjectNode featureProvenance() {
        ObjectNode o = GenerativeReport.JSON.createObjectNode();
        if (options.featureNet() != null) {
            o.put("loaded_from", options.featureNet().toAbsolutePath().toString());
        } else {
            o.put("trained_epochs", options.featureEpochs());
            o.put("seed", FeatureClassifier.Options.defaults().seed());
            o.put("saved_in", "feature-net");
        }
        return o;
    }

    static int[] range(int from, int count) {
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = from + i;
        }
        return idx;
    }

    static double squaredError(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException("reconstruction has " + b.length + " floats, input " + a.length);
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    /** A per-image function of the classifier over {@code count} images, {@link #EVAL_BATCH} at a time. */
    private static float[][] chunked(java.util.function.BiFunction<float[], Integer, float[][]> f, float[] images,
                                     int count) {
        int size = images.length / count;
        float[][] out = new float[count][];
        for (int from = 0; from < count; from += EVAL_BATCH) {
            int b = Math.min(EVAL_BATCH, count - from);
            float[][] part = f.apply(Arrays.copyOfRange(images, from * size, (from + b) * size), b);
            System.arraycopy(part, 0, out, from, b);
        }
        return out;
    }

    private static float[] flatten(float[][] images) {
        int size = images[0].length;
        float[] out = new float[images.length * size];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(images[i], 0, out, i * size, size);
        }
        return out;
    }

    /** One model of the run: its config file, what it trains, and how to build a fresh one. */
    private record ModelSpec(Path file, String label, Object config, int epochs, int batchSize, int stepsPerEpoch) {
        static ModelSpec load(Path file, Integer epochsOverride, ImageSet train) throws IOException {
            String arch = ConfigNode.modelArch(file);
            if (GenSomConfig.MODEL_ARCH.equals(arch)) {
                GenSomConfig c = GenSomConfig.load(file);
                if (epochsOverride != null) {
                    c = c.withTotalEpochs(epochsOverride);
                }
                c.requireInput(train.channels(), train.height(), train.width(), train.name());
                return new ModelSpec(file, arch, c, c.totalEpochs(), c.batchSize(),
                        (train.size() + c.batchSize() - 1) / c.batchSize());
            }
            if (VaeConfig.MODEL_ARCH.equals(arch)) {
                VaeConfig c = VaeConfig.load(file);
                if (c.numChannels() != train.channels() || c.inputSize() != train.height()
                        || c.inputSize() != train.width()) {
                    throw new IllegalArgumentException(file + " expects " + c.numChannels() + "x" + c.inputSize() + "x"
                            + c.inputSize() + " images but " + train.name() + " holds " + train.shape());
                }
                int epochs = epochsOverride != null ? epochsOverride : c.totalEpochs();
                return new ModelSpec(file, arch, c, epochs, c.batchSize(), 0);
            }
            throw new ConfigException("hyperparameters.model_arch", file + ": the generative benchmark trains "
                    + String.join(" or ", ARCHS) + ", got '" + arch + "'");
        }

        GenerativeArm arm(long seed, Double sigma) {
            return config instanceof GenSomConfig g ? new GenSomArm(g, stepsPerEpoch, seed, sigma)
                    : new VaeArm((VaeConfig) config, seed);
        }
    }
}
