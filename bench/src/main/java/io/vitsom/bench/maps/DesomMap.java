package io.vitsom.bench.maps;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.vitsom.bench.EpochOrder;
import io.vitsom.bench.Progress;
import io.vitsom.model.baselines.Desom;
import io.vitsom.model.baselines.DesomConfig;
import io.vitsom.model.baselines.DesomPredictor;
import io.vitsom.model.baselines.DesomStepResult;
import io.vitsom.model.baselines.DesomTrainer;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import io.vitsom.model.train.StopSignal;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;

/**
 * A DESOM (Forest et al., 2019) trained on an image set, as a {@link TrainedMap}. The latent space is the
 * autoencoder's code; distances are the squared euclidean distances to the prototypes that DESOM's BMU minimises;
 * the prototype images are the decoder applied to the prototypes (the reference's map visualisation).
 *
 * <p>{@link #train} adapts the config to the data and the budget: the input width becomes the image size, the
 * pre-training epochs are the ones asked for, and the joint iterations and the temperature decay span exactly the
 * joint steps run, {@code epochs * ceil(n / batchSize)} (the reference decays T over its whole run); {@link #config()}
 * is that effective config.
 */
public final class DesomMap implements TrainedMap {
    static final int BATCH = 256;

    private final Desom model;
    private final NDManager manager;
    private final DesomPredictor predictor;
    private final ParameterStore parameterStore;
    private final SomGrid grid;
    private final double trainSeconds;
    private final long imagesSeen;
    private final double[] pretrainLosses;
    private final double[] epochLosses;

    private DesomMap(Desom model, NDManager manager, double trainSeconds, long imagesSeen, double[] pretrainLosses,
                     double[] epochLosses) {
        this.model = model;
        this.manager = manager;
        this.predictor = new DesomPredictor(model, manager);
        this.parameterStore = new ParameterStore(manager, false);
        this.grid = new SomGrid(model.config().mapRows(), model.config().mapCols(), Topology.SQUARE);
        this.trainSeconds = trainSeconds;
        this.imagesSeen = imagesSeen;
        this.pretrainLosses = pretrainLosses;
        this.epochLosses = epochLosses;
    }

    /**
     * Builds and trains a DESOM on {@code train}: {@code pretrainEpochs} epochs of autoencoder pre-training (MSE),
     * then {@code epochs} joint epochs, each over the training set shuffled with {@code new Random(seed)}. Shows a
     * progress bar on stderr and logs one line per epoch to {@code log}.
     *
     * @param config hyperparameters; its first encoder width is replaced by {@code train.imageSize()}, its
     *               iterations, temperature-decay iterations and pre-training epochs by this run's
     * @param train training images (labels are not used)
     * @param pretrainEpochs autoencoder pre-training epochs, {@code >= 0}
     * @param epochs joint-training epochs, {@code > 0}
     * @param seed seeds the engine (parameter initialisation) and the shuffling
     * @param log where the per-epoch lines go
     * @throws IllegalArgumentException when {@code epochs <= 0}, {@code pretrainEpochs < 0} or {@code train} is empty
     */
    public static DesomMap train(DesomConfig config, ImageSet train, int pretrainEpochs, int epochs, long seed,
                                 PrintStream log) {
        return train(config, train, pretrainEpochs, epochs, seed, log, new StopSignal());
    }

    /**
     * {@link #train(DesomConfig, ImageSet, int, int, long, PrintStream)} that {@code stop} ends between steps: it
     * throws {@link io.vitsom.model.train.StopRequestedException} after closing the model's native memory.
     */
    public static DesomMap train(DesomConfig config, ImageSet train, int pretrainEpochs, int epochs, long seed,
                                 PrintStream log, StopSignal stop) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(log, "log");
        if (epochs <= 0) {
            throw new IllegalArgumentException("DESOM epochs must be positive, got " + epochs);
        }
        if (pretrainEpochs < 0) {
            throw new IllegalArgumentException("DESOM pretrainEpochs must be >= 0, got " + pretrainEpochs);
        }
        if (train.size() == 0) {
            throw new IllegalArgumentException("DESOM needs training images, " + train + " is empty");
        }
        int n = train.size();
        int stepsPerEpoch = (n + config.batchSize() - 1) / config.batchSize();
        DesomConfig effective = forRun(config, train.imageSize(), pretrainEpochs,
                Math.max(2, Math.toIntExact((long) epochs * stepsPerEpoch)));

        NDManager manager = NDManager.newBaseManager();
        try {
            Engine.getInstance().setRandomSeed((int) seed);
            Desom model = Desom.builder().setConfig(effective).build();
            model.initialize(manager);
            Random shuffle = new Random(seed);
            int[] order = EpochOrder.identity(n);
            double[] pretrainLosses = new double[pretrainEpochs];
            double[] epochLosses = new double[epochs];
            long start = System.nanoTime();
            try (DesomTrainer trainer = new DesomTrainer(model, manager)) {
                Progress progress = new Progress("desom", (long) (pretrainEpochs + epochs) * stepsPerEpoch);
                long done = 0;
                for (int epoch = 0; epoch < pretrainEpochs; epoch++) {
                    EpochOrder.shuffle(order, shuffle);
                    long epochStart = System.nanoTime();
                    double lossSum = 0;
                    int images = 0;
                    for (int[] idx : EpochOrder.batches(order, effective.batchSize())) {
                        stop.throwIfRequested();
                        DesomStepResult s = trainer.pretrainStep(train.batch(idx), idx.length);
                        lossSum += s.reconLoss() * idx.length;
                        images += idx.length;
                        progress.update(++done, String.format(Locale.ROOT, "pretrain %d/%d %.0f img/s mse %.4f",
                                epoch + 1, pretrainEpochs, images / seconds(epochStart), s.reconLoss()));
                    }
                    pretrainLosses[epoch] = lossSum / images;
                    log.printf(Locale.ROOT, "desom pretrain epoch %d/%d: mse %.5f (%.1f s)%n", epoch + 1,
                            pretrainEpochs, pretrainLosses[epoch], seconds(start));
                }
                for (int epoch = 0; epoch < epochs; epoch++) {
                    EpochOrder.shuffle(order, shuffle);
                    long epochStart = System.nanoTime();
                    double lossSum = 0;
                    double reconSum = 0;
                    double somSum = 0;
                    int images = 0;
                    DesomStepResult s = null;
                    for (int[] idx : EpochOrder.batches(order, effective.batchSize())) {
                        stop.throwIfRequested();
                        s = trainer.step(train.batch(idx), idx.length);
                        lossSum += s.totalLoss() * idx.length;
                        reconSum += s.reconLoss() * idx.length;
                        somSum += s.somLoss() * idx.length;
                        images += idx.length;
                        progress.update(++done, String.format(Locale.ROOT,
                                "epoch %d/%d %.0f img/s loss %.4f recon %.4f som %.4f T %.3g units/batch %d",
                                epoch + 1, epochs, images / seconds(epochStart), s.totalLoss(), s.reconLoss(),
                                s.somLoss(), s.temperature(), Arrays.stream(s.bmus()).distinct().count()));
                    }
                    epochLosses[epoch] = lossSum / images;
                    log.printf(Locale.ROOT, "desom epoch %d/%d: loss %.5f, recon %.5f, som %.4f, T %.3g (%.1f s)%n",
                            epoch + 1, epochs, epochLosses[epoch], reconSum / images, somSum / images,
                            s.temperature(), seconds(start));
                }
            }
            return new DesomMap(model, manager, seconds(start), (long) (pretrainEpochs + epochs) * n, pretrainLosses,
                    epochLosses);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    /** {@code config} for this data and budget: input width, pre-training epochs, joint and decay iterations. */
    private static DesomConfig forRun(DesomConfig config, int inputDim, int pretrainEpochs, int iterations) {
        List<Integer> dims = new ArrayList<>(config.encoderDims());
        dims.set(0, inputDim);
        return new DesomConfig(dims, config.mapRows(), config.mapCols(), config.gamma(), config.tMax(), config.tMin(),
                iterations, iterations, pretrainEpochs, config.batchSize(), config.learningRate(), config.beta1(),
                config.beta2());
    }

    @Override
    public SomGrid grid() {
        return grid;
    }

    @Override
    public int latentDim() {
        return model.config().latentDim();
    }

    @Override
    public int[] bmus(ImageSet data) {
        int[] out = new int[data.size()];
        Batches.forEach(data, BATCH, (images, start, b) -> {
            long[] bmus = predictor.predict(images, b).bmus();
            for (int i = 0; i < b; i++) {
                out[start + i] = Math.toIntExact(bmus[i]);
            }
        });
        return out;
    }

    @Override
    public float[] latent(ImageSet data) {
        return Batches.rowsOf(data, BATCH, latentDim(), predictor::encode);
    }

    /**
     * Squared euclidean distances of every code to every prototype, from the predictor's codes through the model's
     * own SOM layer: the same operation on the same batches as the predictor's BMUs, so their argmin is the BMU.
     */
    @Override
    public float[] distances(ImageSet data) {
        return Batches.rowsOf(data, BATCH, grid.units(), (images, b) -> Batches.throughBlock(model.som(), manager,
                parameterStore, predictor.encode(images, b), b, latentDim()));
    }

    @Override
    public float[][] prototypes() {
        return Batches.rows(model.som().prototypes().getArray().toFloatArray(), latentDim());
    }

    /** The decoder applied to every prototype; the decoder's output is linear, so values may leave [0, 1]. */
    @Override
    public float[][] prototypeImages() {
        float[] prototypes = model.som().prototypes().getArray().toFloatArray();
        return Batches.rows(Batches.throughBlock(model.autoencoder().decoder(), manager, parameterStore, prototypes,
                grid.units(), latentDim()), model.config().inputDim());
    }

    /** The trained model. */
    public Desom model() {
        return model;
    }

    /** The config the model was built and trained with (adapted to the data and the budget by {@link #train}). */
    public DesomConfig config() {
        return model.config();
    }

    /** Trainable parameters: autoencoder weights and biases plus prototypes. */
    public long params() {
        return model.parameterCount();
    }

    /** Training wall time in seconds, pre-training included. */
    public double trainSeconds() {
        return trainSeconds;
    }

    /** Images processed in pre-training and the joint phase, per second of {@link #trainSeconds()}. */
    public double imagesPerSecond() {
        return imagesSeen / trainSeconds;
    }

    /** Mean pre-training MSE of each pre-training epoch. */
    public double[] pretrainLosses() {
        return pretrainLosses.clone();
    }

    /** Mean joint loss ({@code MSE + gamma * SOM}) of each joint epoch. */
    public double[] epochLosses() {
        return epochLosses.clone();
    }

    @Override
    public void close() {
        manager.close();
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }
}
