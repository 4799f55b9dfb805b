package io.vitsom.bench.maps;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.vitsom.bench.EpochOrder;
import io.vitsom.bench.Progress;
import io.vitsom.model.baselines.somvae.SomVae;
import io.vitsom.model.baselines.somvae.SomVaeConfig;
import io.vitsom.model.baselines.somvae.SomVaePredictor;
import io.vitsom.model.baselines.somvae.SomVaeStepResult;
import io.vitsom.model.baselines.somvae.SomVaeTrainer;
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
 * A SOM-VAE (Fortuin et al., 2019; the fully connected variant, the only one the model module builds) trained on
 * an image set, as a {@link TrainedMap}. The latent space is the encoder's {@code z_e}; the prototypes are the SOM
 * embeddings; distances are the squared euclidean distances from {@code z_e} to every embedding (the BMU's
 * argmin); the prototype images are the {@code z_q} decoder applied to the embeddings.
 *
 * <p>{@link #train} adapts the config to the data and the budget: the input width becomes the image size, the
 * epochs are the ones asked for, and the staircase learning-rate decay is stretched or compressed with the run,
 * {@code decaySteps * epochs / config.epochs()} (at least 1), so the run ends at the same decayed rate as the
 * config's full schedule on this data; {@link #config()} is that effective config.
 */
public final class SomVaeMap implements TrainedMap {
    static final int BATCH = 256;

    private final SomVae model;
    private final NDManager manager;
    private final SomVaePredictor predictor;
    private final ParameterStore parameterStore;
    private final SomGrid grid;
    private final double trainSeconds;
    private final long imagesSeen;
    private final double[] epochLosses;

    private SomVaeMap(SomVae model, NDManager manager, double trainSeconds, long imagesSeen, double[] epochLosses) {
        this.model = model;
        this.manager = manager;
        this.predictor = new SomVaePredictor(model, manager);
        this.parameterStore = new ParameterStore(manager, false);
        this.grid = new SomGrid(model.config().somRows(), model.config().somCols(), Topology.SQUARE);
        this.trainSeconds = trainSeconds;
        this.imagesSeen = imagesSeen;
        this.epochLosses = epochLosses;
    }

    /**
     * Builds and trains a SOM-VAE on {@code train} for {@code epochs} epochs, each over the training set shuffled
     * with {@code new Random(seed)}. Shows a progress bar on stderr and logs one line per epoch to {@code log}.
     *
     * @param config hyperparameters; its first encoder width is replaced by {@code train.imageSize()}, its epochs
     *               by {@code epochs} and its decay steps scaled with them (see the class comment)
     * @param train training images (labels are not used)
     * @param epochs training epochs, {@code > 0}
     * @param seed seeds the engine (parameter initialisation) and the shuffling
     * @param log where the per-epoch lines go
     * @throws IllegalArgumentException when {@code epochs <= 0} or {@code train} is empty
     */
    public static SomVaeMap train(SomVaeConfig config, ImageSet train, int epochs, long seed, PrintStream log) {
        return train(config, train, epochs, seed, log, new StopSignal());
    }

    /**
     * {@link #train(SomVaeConfig, ImageSet, int, long, PrintStream)} that {@code stop} ends between steps: it throws
     * {@link io.vitsom.model.train.StopRequestedException} after closing the model's native memory.
     */
    public static SomVaeMap train(SomVaeConfig config, ImageSet train, int epochs, long seed, PrintStream log,
                                  StopSignal stop) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(log, "log");
        if (epochs <= 0) {
            throw new IllegalArgumentException("SOM-VAE epochs must be positive, got " + epochs);
        }
        if (train.size() == 0) {
            throw new IllegalArgumentException("SOM-VAE needs training images, " + train + " is empty");
        }
        int n = train.size();
        int stepsPerEpoch = (n + config.batchSize() - 1) / config.batchSize();
        SomVaeConfig effective = forRun(config, train.imageSize(), epochs);

        NDManager manager = NDManager.newBaseManager();
        try {
            Engine.getInstance().setRandomSeed((int) seed);
            SomVae model = SomVae.builder().setConfig(effective).build();
            model.initialize(manager);
            Random shuffle = new Random(seed);
            int[] order = EpochOrder.identity(n);
            double[] epochLosses = new double[epochs];
            long start = System.nanoTime();
            try (SomVaeTrainer trainer = new SomVaeTrainer(model, manager)) {
                Progress progress = new Progress("som-vae", (long) epochs * stepsPerEpoch);
                for (int epoch = 0; epoch < epochs; epoch++) {
                    EpochOrder.shuffle(order, shuffle);
                    long epochStart = System.nanoTime();
                    double lossSum = 0;
                    double reconstructionSum = 0;
                    double commitmentSum = 0;
                    double somSum = 0;
                    int images = 0;
                    SomVaeStepResult s = null;
                    for (int[] idx : EpochOrder.batches(order, effective.batchSize())) {
                        stop.throwIfRequested();
                        s = trainer.step(train.batch(idx), idx.length);
                        lossSum += s.total() * idx.length;
                        reconstructionSum += s.reconstruction() * idx.length;
                        commitmentSum += s.commitment() * idx.length;
                        somSum += s.som() * idx.length;
                        images += idx.length;
                        progress.update(trainer.stepCount(), String.format(Locale.ROOT,
                                "epoch %d/%d %.0f img/s loss %.4f recon_q %.4f recon_e %.4f commit %.4f som %.4f "
                                        + "lr %.2g units/batch %d",
                                epoch + 1, epochs, images / seconds(epochStart), s.total(), s.reconstructionQ(),
                                s.reconstructionE(), s.commitment(), s.som(), s.learningRate(),
                                Arrays.stream(s.bmus()).distinct().count()));
                    }
                    epochLosses[epoch] = lossSum / images;
                    log.printf(Locale.ROOT, "som-vae epoch %d/%d: loss %.5f, recon %.5f, commit %.5f, som %.5f, "
                                    + "lr %.3g (%.1f s)%n", epoch + 1, epochs, epochLosses[epoch],
                            reconstructionSum / images, commitmentSum / images, somSum / images, s.learningRate(),
                            seconds(start));
                }
            }
            return new SomVaeMap(model, manager, seconds(start), (long) epochs * n, epochLosses);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    /** {@code config} for this data and budget: input width, epochs, and decay steps scaled with the epochs. */
    private static SomVaeConfig forRun(SomVaeConfig config, int inputDim, int epochs) {
        List<Integer> dims = new ArrayList<>(config.encoderDims());
        dims.set(0, inputDim);
        int decaySteps = (int) Math.max(1, Math.min(Integer.MAX_VALUE,
                Math.round((double) config.decaySteps() * epochs / config.epochs())));
        return new SomVaeConfig(dims, config.somRows(), config.somCols(), config.alpha(), config.beta(),
                config.gradientCopying(), config.learningRate(), config.decayFactor(), decaySteps, config.batchSize(),
                epochs, config.beta1(), config.beta2());
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
            long[] bmus = predictor.bmus(images, b);
            for (int i = 0; i < b; i++) {
                out[start + i] = Math.toIntExact(bmus[i]);
            }
        });
        return out;
    }

    /** The encoder's {@code z_e} of every image. */
    @Override
    public float[] latent(ImageSet data) {
        return Batches.rowsOf(data, BATCH, latentDim(), (images, b) -> predictor.predict(images, b).codes());
    }

    /**
     * Squared euclidean distances of every {@code z_e} to every embedding, from the predictor's codes through the
     * model's own SOM layer: the same operation on the same batches as the predictor's BMUs, so their argmin is
     * the BMU.
     */
    @Override
    public float[] distances(ImageSet data) {
        return Batches.rowsOf(data, BATCH, grid.units(), (images, b) -> Batches.throughBlock(model.som(), manager,
                parameterStore, predictor.predict(images, b).codes(), b, latentDim()));
    }

    /** The SOM embeddings. */
    @Override
    public float[][] prototypes() {
        return Batches.rows(model.som().embeddings().getArray().toFloatArray(), latentDim());
    }

    /** The {@code z_q} decoder applied to every embedding (sigmoid output, in [0, 1]). */
    @Override
    public float[][] prototypeImages() {
        float[] embeddings = model.som().embeddings().getArray().toFloatArray();
        return Batches.rows(Batches.throughBlock(model.decoderQ(), manager, parameterStore, embeddings, grid.units(),
                latentDim()), model.config().inputDim());
    }

    /** The trained model. */
    public SomVae model() {
        return model;
    }

    /** The config the model was built and trained with (adapted to the data and the budget by {@link #train}). */
    public SomVaeConfig config() {
        return model.config();
    }

    /** Trainable parameters: encoder, both decoders and the embeddings. */
    public long params() {
        return model.parameterCount();
    }

    /** Training wall time in seconds. */
    public double trainSeconds() {
        return trainSeconds;
    }

    /** Training images processed per second of {@link #trainSeconds()}. */
    public double imagesPerSecond() {
        return imagesSeen / trainSeconds;
    }

    /** Mean loss of each epoch ({@code recon_q + recon_e + alpha * commitment + beta * som}). */
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
