package io.vitsom.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.nn.Scalars;
import io.vitsom.model.nn.SomLayer;
import io.vitsom.model.nn.VitSom;
import java.util.Objects;

/**
 * The ViT-SOM training step: forward, the reference's loss ({@code L1 + gamma_t * SOM} for clustering,
 * {@code label-smoothed CE + gamma_t * SOM} for classification), backward and one AdamW update.
 *
 * <p>Every step runs in its own {@link NDScope} so all temporaries are freed when it returns; only the
 * parameters and optimizer state live across steps. Not thread-safe: one trainer per model.
 */
public final class VitSomTrainer implements AutoCloseable {
    private final VitSom model;
    private final VitSomConfig config;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final AdamW optimizer;
    private final TrainingSchedule schedule;
    private long step;

    /**
     * @param model an initialised model
     * @param manager the manager that owns the model's parameters (optimizer state goes there too)
     * @param schedule temperature, gamma and learning rate over steps
     */
    public VitSomTrainer(VitSom model, NDManager manager, TrainingSchedule schedule) {
        this.model = Objects.requireNonNull(model, "model");
        this.config = model.config();
        this.manager = Objects.requireNonNull(manager, "manager");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.parameterStore = new ParameterStore(manager, false);
        this.optimizer = AdamW.forModel(model.namedParameters(), config, manager);
    }

    /**
     * One optimisation step on a batch.
     *
     * @param images {@code batch * C * H * W} floats in [0, 1]
     * @param labels class labels (required for classification configs; ignored otherwise; may be null)
     * @param batch number of images
     */
    public StepResult step(float[] images, int[] labels, int batch) {
        return step(images, labels, batch, () -> { });
    }

    /** {@link #step(float[], int[], int)} with a hook between forward and backward (tests run a GC there). */
    StepResult step(float[] images, int[] labels, int batch, Runnable beforeBackward) {
        int c = config.data().numChannels();
        int s = config.data().inputSize();
        if (images.length != batch * c * s * s) {
            throw new IllegalArgumentException("expected " + batch + " images of " + c + "x" + s + "x" + s
                    + " (" + batch * c * s * s + " floats), got " + images.length);
        }
        if (config.classification() && (labels == null || labels.length != batch)) {
            throw new IllegalArgumentException("classification needs one label per image");
        }
        double temperature = schedule.temperature(step);
        double gamma = schedule.gamma(step);
        double lr = schedule.learningRate(step);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(images, new Shape(batch, c, s, s));
            double recon = Double.NaN;
            double cls = Double.NaN;
            double som = Double.NaN;
            double total;
            long[] bmus = new long[0];
            float[] bmuDistances = new float[0];
            long[] secondBmus = new long[0];
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                PairList<String, Object> options = new PairList<>();
                if (config.classification()) {
                    // The reconstruction is not part of the classification loss: skip the decoder.
                    options.add(VitSom.SKIP_DECODER, Boolean.TRUE);
                }
                VitSom.Outputs out = VitSom.Outputs.of(model, model.forward(parameterStore, new NDList(x), true, options));
                NDArray loss;
                if (config.classification()) {
                    NDArray ce = Losses.labelSmoothedCrossEntropy(out.logits().orElseThrow(), labels,
                            config.data().numClasses(), config.optimizer().smoothing());
                    cls = ce.getFloat();
                    loss = ce;
                } else {
                    NDArray l1 = out.reconstruction().orElseThrow().sub(x).abs().mean();
                    recon = l1.getFloat();
                    loss = l1;
                }
                if (out.distances().isPresent()) {
                    NDArray distances = out.distances().get();
                    NDArray bmuArray = distances.argMin(1);
                    bmus = bmuArray.toLongArray();
                    float[] all = distances.toFloatArray();
                    bmuDistances = Losses.gatherRows(all, bmus);
                    secondBmus = Losses.secondArgMin(all, bmus);
                    SomLayer layer = model.som().orElseThrow();
                    NDArray weights = manager.create(layer.neighbourhoodWeights(bmus, temperature), distances.getShape());
                    NDArray somLoss = weights.mul(distances).mean();
                    som = somLoss.getFloat();
                    loss = loss.add(somLoss.mul(Scalars.of(somLoss, gamma)));
                }
                total = loss.getFloat();
                beforeBackward.run();
                collector.backward(loss);
            }
            optimizer.step(lr);
            StepResult result = new StepResult(step, recon, cls, som, total, temperature, gamma, lr, bmus, bmuDistances,
                    secondBmus);
            step++;
            return result;
        }
    }

    /** Steps taken so far; the next step uses this index for its schedules. */
    public long stepCount() {
        return step;
    }

    /**
     * Moves the schedules to global step {@code steps}. The optimizer's own step count (its bias correction)
     * is separate: a checkpoint restores it through {@link AdamW#setStepCount}.
     */
    public void setStepCount(long steps) {
        this.step = steps;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public VitSom model() {
        return model;
    }

    public TrainingSchedule schedule() {
        return schedule;
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
