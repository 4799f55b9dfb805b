package io.vitsom.model.generative;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.checkpoint.CodeVersion;
import io.vitsom.model.checkpoint.CorruptCheckpointException;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.io.ParameterFolder;
import io.vitsom.model.nn.Autograd;
import io.vitsom.model.train.AdamW;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * This project's Fashion-MNIST classifier for evaluating generated images: a small CNN ({@link FeatureClassifierNet})
 * trained with cross-entropy and Adam on labelled 28x28x1 images. Its 128-d feature layer is what
 * "FID (FMNIST classifier features)" ({@link FrechetDistance}) is computed on and its softmax what
 * "IS (FMNIST classifier)" ({@link InceptionScore}) is computed on. It stands in for Inception-v3, which knows nothing
 * of 28x28 clothing: the scores are comparable between models evaluated with the same saved classifier, not with
 * published Inception numbers.
 *
 * <p>Owns the {@link NDManager} of its parameters (a sub-manager of the one {@link #load} is given); close it when
 * done. Not thread-safe.
 */
public final class FeatureClassifier implements AutoCloseable {
    /** Format tag of the manifest. */
    public static final String FORMAT = "vitsom-feature-classifier/1";
    /** Width of {@link #features}. */
    public static final int FEATURE_DIM = FeatureClassifierNet.FEATURE_DIM;
    /** Classes of {@link #probabilities}. */
    public static final int CLASSES = FeatureClassifierNet.CLASSES;
    /** Images per inference forward pass. */
    private static final int CHUNK = 512;
    /** Training steps between progress lines. */
    private static final int PROGRESS_EVERY = 100;
    private static final int PER_IMAGE = FeatureClassifierNet.SIDE * FeatureClassifierNet.SIDE;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NDManager manager;
    private final FeatureClassifierNet net;
    private final ParameterStore parameterStore;
    private final Options options;
    private final String trainedOn;
    private Evaluation evaluation;

    /**
     * How the classifier is trained.
     *
     * @param epochs passes over the training set, > 0
     * @param batch images per Adam step, > 0
     * @param learningRate Adam's learning rate in the first epoch, > 0; halved after every epoch
     * @param seed seeds the initial weights (the engine's RNG) and the shuffling
     */
    public record Options(int epochs, int batch, double learningRate, long seed) {
        public Options {
            if (epochs <= 0 || batch <= 0) {
                throw new IllegalArgumentException("epochs and batch must be > 0, got " + epochs + " and " + batch);
            }
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
            }
        }

        /** Three epochs of batch 64 from Adam's usual 1e-3, seed 42: over 90% on Fashion-MNIST in minutes on a CPU. */
        public static Options defaults() {
            return new Options(3, 64, 1e-3, 42);
        }

        /**
         * The learning rate of epoch {@code epoch} (from 0): {@code learningRate / 2^epoch}. A run of a few epochs
         * ends far from converged; halving lets the last epoch settle instead of bouncing at the first rate.
         */
        public double learningRate(int epoch) {
            return learningRate / Math.pow(2, epoch);
        }
    }

    /**
     * The latest accuracy measured by {@link #accuracy}, saved in the manifest.
     *
     * @param set the name of the evaluated set
     * @param images its size
     * @param accuracy the fraction classified correctly
     */
    public record Evaluation(String set, int images, double accuracy) {
    }

    private FeatureClassifier(NDManager manager, FeatureClassifierNet net, Options options, String trainedOn,
                              Evaluation evaluation) {
        this.manager = manager;
        this.net = net;
        this.parameterStore = new ParameterStore(manager, false);
        this.options = options;
        this.trainedOn = trainedOn;
        this.evaluation = evaluation;
    }

    /**
     * Trains a classifier on {@code train} (fully labelled {@code 1x28x28} images, labels in {@code [0, 10)}),
     * printing a line to {@code progress} every {@value #PROGRESS_EVERY} steps and after each epoch.
     *
     * @throws IllegalArgumentException when the images are not {@code 1x28x28} or a label is out of range
     */
    public static FeatureClassifier train(ImageSet train, Options options, PrintStream progress) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(progress, "progress");
        requireLabelledImages(train);
        NDManager manager = NDManager.newBaseManager();
        try {
            FeatureClassifier classifier = create(manager, options, train.name() + " (" + train.size() + " images)",
                    null);
            classifier.fit(train, progress);
            return classifier;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static FeatureClassifier create(NDManager manager, Options options, String trainedOn,
                                            Evaluation evaluation) {
        // The engine's RNG draws the initial weights; seeding it here makes them a function of the options.
        Engine.getInstance().setRandomSeed((int) options.seed());
        FeatureClassifierNet net = new FeatureClassifierNet();
        net.initialize(manager);
        return new FeatureClassifier(manager, net, options, trainedOn, evaluation);
    }

    private void fit(ImageSet train, PrintStream progress) {
        Map<String, Parameter> trainable = net.namedParameters();
        Map<String, Double> noDecay = new LinkedHashMap<>();
        trainable.keySet().forEach(name -> noDecay.put(name, 0.0));
        int n = train.size();
        int stepsPerEpoch = (n + options.batch() - 1) / options.batch();
        Random shuffle = new Random(options.seed());
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        long started = System.nanoTime();
        try (AdamW adam = new AdamW(noDecay, trainable, 0.9, 0.999, true, manager)) {
            for (int epoch = 0; epoch < options.epochs(); epoch++) {
                shuffleInPlace(order, shuffle);
                double lossSum = 0;
                double lr = options.learningRate(epoch);
                for (int step = 0; step < stepsPerEpoch; step++) {
                    int from = step * options.batch();
                    int[] batch = Arrays.copyOfRange(order, from, Math.min(n, from + options.batch()));
                    lossSum += step(train.batch(batch), train.labelsOf(batch), adam, lr);
                    if ((step + 1) % PROGRESS_EVERY == 0) {
                        progress.printf("classifier epoch %d/%d step %d/%d loss %.4f (%.0f s)%n", epoch + 1,
                                options.epochs(), step + 1, stepsPerEpoch, lossSum / (step + 1), seconds(started));
                    }
                }
                progress.printf("classifier epoch %d/%d done: mean loss %.4f (%.0f s)%n", epoch + 1, options.epochs(),
                        lossSum / stepsPerEpoch, seconds(started));
            }
        }
    }

    /** One Adam step at {@code lr} on a batch; returns its mean cross-entropy. */
    private double step(float[] images, int[] labels, AdamW adam, double lr) {
        int count = labels.length;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(images, imageShape(count));
            NDArray y = manager.create(labels).toType(DataType.INT64, false);
            double loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = FeatureClassifierNet.Outputs.of(net.forward(parameterStore, new NDList(x), true))
                        .logits();
                // Cross-entropy: minus the log-softmax at the true class, averaged over the batch.
                NDArray oneHot = y.oneHot(CLASSES).toType(DataType.FLOAT32, false);
                NDArray crossEntropy = logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg().mean();
                loss = crossEntropy.getFloat();
                collector.backward(crossEntropy);
            }
            adam.step(lr);
            return loss;
        }
    }

    /**
     * The fraction of {@code test} classified correctly; remembered as the {@link #evaluation()} a later
     * {@link #save} records.
     *
     * @throws IllegalArgumentException when the images are not {@code 1x28x28} or a label is out of range
     */
    public double accuracy(ImageSet test) {
        requireLabelledImages(test);
        int n = test.size();
        int correct = 0;
        for (int start = 0; start < n; start += CHUNK) {
            int count = Math.min(CHUNK, n - start);
            int first = start;
            int[] indices = new int[count];
            Arrays.setAll(indices, i -> first + i);
            float[][] p = probabilities(test.batch(indices), count);
            for (int i = 0; i < count; i++) {
                if (argMax(p[i]) == test.labels()[start + i]) {
                    correct++;
                }
            }
        }
        double accuracy = (double) correct / n;
        evaluation = new Evaluation(test.name(), n, accuracy);
        return accuracy;
    }

    /**
     * The 128-d feature layer of {@code count} images ({@code [count, 1, 28, 28]} floats in [0, 1]), one row each:
     * the features "FID (FMNIST classifier features)" fits its Gaussians to.
     */
    public float[][] features(float[] images, int count) {
        return infer(images, count, false);
    }

    /**
     * The class probabilities (softmax) of {@code count} images ({@code [count, 1, 28, 28]} floats in [0, 1]), one
     * row of 10 each: what "IS (FMNIST classifier)" scores.
     */
    public float[][] probabilities(float[] images, int count) {
        return infer(images, count, true);
    }

    private float[][] infer(float[] images, int count, boolean probabilities) {
        Objects.requireNonNull(images, "images");
        if (count < 0 || images.length != (long) count * PER_IMAGE) {
            throw new IllegalArgumentException("expected " + count + " images of 1x28x28 (" + (long) count * PER_IMAGE
                    + " floats), got " + images.length + " floats");
        }
        int width = probabilities ? CLASSES : FEATURE_DIM;
        float[][] out = new float[count][];
        for (int start = 0; start < count; start += CHUNK) {
            int n = Math.min(CHUNK, count - start);
            try (NDScope scope = new NDScope(); Autograd off = Autograd.off()) {
                scope.suppressNotUsedWarning();
                NDArray x = manager.create(Arrays.copyOfRange(images, start * PER_IMAGE, (start + n) * PER_IMAGE),
                        imageShape(n));
                FeatureClassifierNet.Outputs o = FeatureClassifierNet.Outputs.of(
                        net.forward(parameterStore, new NDList(x), false));
                float[] flat = (probabilities ? o.logits().softmax(1) : o.features()).toFloatArray();
                for (int i = 0; i < n; i++) {
                    out[start + i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
                }
            }
        }
        return out;
    }

    /**
     * Saves the parameters ({@code params/*.npy}) and {@code manifest.json}: format, architecture, training options
     * (seed included), the training set, the latest {@link #evaluation()} (null if none), code version and time.
     */
    public void save(Path dir) throws IOException {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", FORMAT);
        manifest.put("architecture", FeatureClassifierNet.ARCHITECTURE);
        ObjectNode opts = manifest.putObject("options");
        opts.put("epochs", options.epochs());
        opts.put("batch", options.batch());
        opts.put("learning_rate", options.learningRate());
        opts.put("seed", options.seed());
        manifest.put("trained_on", trainedOn);
        if (evaluation == null) {
            manifest.putNull("evaluation");
        } else {
            ObjectNode e = manifest.putObject("evaluation");
            e.put("set", evaluation.set());
            e.put("images", evaluation.images());
            e.put("accuracy", evaluation.accuracy());
        }
        manifest.put("trainable_parameters", trainableParameterCount());
        manifest.put("code_version", CodeVersion.describe());
        manifest.put("created", Instant.now().toString());
        ParameterFolder.write(dir, net.namedParameters(), Map.of(), manifest);
    }

    /**
     * Loads what {@link #save} wrote, on a sub-manager of {@code manager}.
     *
     * @throws java.nio.file.NoSuchFileException when {@code dir} does not exist
     * @throws CorruptCheckpointException when it fails its manifest, is of another format or architecture, or a
     *     parameter has the wrong shape
     */
    public static FeatureClassifier load(Path dir, NDManager manager) throws IOException {
        JsonNode manifest = ParameterFolder.verify(dir);
        if (!FORMAT.equals(manifest.path("format").asText())) {
            throw new CorruptCheckpointException(dir, "format is '" + manifest.path("format").asText() + "', expected "
                    + FORMAT);
        }
        if (!FeatureClassifierNet.ARCHITECTURE.equals(manifest.path("architecture").asText())) {
            throw new CorruptCheckpointException(dir, "architecture '" + manifest.path("architecture").asText()
                    + "' is not this code's " + FeatureClassifierNet.ARCHITECTURE);
        }
        Options options;
        try {
            JsonNode o = manifest.path("options");
            options = new Options(o.path("epochs").asInt(), o.path("batch").asInt(),
                    o.path("learning_rate").asDouble(), o.path("seed").asLong());
        } catch (IllegalArgumentException e) {
            throw new CorruptCheckpointException(dir, "options are invalid: " + e.getMessage(), e);
        }
        JsonNode e = manifest.path("evaluation");
        Evaluation evaluation = e.isObject()
                ? new Evaluation(e.path("set").asText(), e.path("images").asInt(), e.path("accuracy").asDouble())
                : null;
        NDManager own = manager.newSubManager();
        try {
            FeatureClassifier classifier = create(own, options, manifest.path("trained_on").asText(), evaluation);
            ParameterFolder.readParameters(dir, classifier.net.namedParameters());
            return classifier;
        } catch (IOException | RuntimeException ex) {
            own.close();
            throw ex;
        }
    }

    /** The options it was trained with. */
    public Options options() {
        return options;
    }

    /** The latest accuracy measured (or loaded with it); null when none was. */
    public Evaluation evaluation() {
        return evaluation;
    }

    /** Trained scalars of the network. */
    public long trainableParameterCount() {
        return net.namedParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    @Override
    public void close() {
        manager.close();
    }

    private static Shape imageShape(int count) {
        return new Shape(count, 1, FeatureClassifierNet.SIDE, FeatureClassifierNet.SIDE);
    }

    private static void requireLabelledImages(ImageSet set) {
        Objects.requireNonNull(set, "images");
        int side = FeatureClassifierNet.SIDE;
        if (set.channels() != 1 || set.height() != side || set.width() != side) {
            throw new IllegalArgumentException("the classifier reads 1x28x28 images, " + set.name() + " holds "
                    + set.shape());
        }
        if (set.size() == 0) {
            throw new IllegalArgumentException(set.name() + " holds no images");
        }
        for (int i = 0; i < set.size(); i++) {
            int label = set.labels()[i];
            if (label < 0 || label >= CLASSES) {
                throw new IllegalArgumentException(set.name() + " image " + i + " has label " + label
                        + ", expected [0, " + CLASSES + ")");
            }
        }
    }

    private static void shuffleInPlace(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static int argMax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
