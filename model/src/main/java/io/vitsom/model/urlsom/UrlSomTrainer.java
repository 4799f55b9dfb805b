package io.vitsom.model.urlsom;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.vitsom.model.map.AdamWMapTrainer;
import io.vitsom.model.train.AdamW;
import io.vitsom.model.train.StepResult;
import io.vitsom.model.train.TrainingSchedule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The URL-SOM training step (paper section IV.D): two augmented views of every image ({@link UrlSomViews}), one
 * training-mode forward pass over both views as one batch of {@code 2N} (so the batch norms see both), the softmax,
 * {@link UrlSomLoss} ({@code wta + collapse + gamma * similarity}), backward and one Adam update with L2 decay
 * {@code projection_l2} on the projection's weight only ({@link AdamW} with {@code coupled = true}), at the
 * schedule's learning rate.
 *
 * <p>The step's BMUs, distances and second-best units come from the pair's mean probabilities
 * {@code (p+ + p-) / 2}, as the paper computes its WTA and collapse terms on averaged pairs (eq. 7): each image's
 * most probable unit under both views together, at distance {@code 1 - that probability}.
 *
 * <p>Every step runs in its own {@link NDScope}; only the parameters and the optimizer state live across steps.
 * Not thread-safe.
 */
public final class UrlSomTrainer implements AdamWMapTrainer {
    private final UrlSomModel model;
    private final UrlSomConfig config;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final AdamW optimizer;
    private final UrlSomViews views;
    private final TrainingSchedule schedule;
    private long step;

    /**
     * @param model the model to train (its manager takes the optimizer state)
     * @param schedule learning rate and gamma over steps
     * @param viewSeed seed of the two-view augmentation
     */
    public UrlSomTrainer(UrlSomModel model, TrainingSchedule schedule, long viewSeed) {
        this.model = Objects.requireNonNull(model, "model");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.config = model.config();
        this.manager = model.manager();
        this.parameterStore = new ParameterStore(manager, false);
        this.optimizer = optimizerFor(model.namedParameters(), config, manager);
        this.views = new UrlSomViews(config.augment(), config.numChannels(), config.inputSize(), viewSeed);
    }

    /**
     * Adam over the trained parameters (batch-norm running statistics left out) with L2 decay in the gradient:
     * {@code projection_l2} on {@code projection.weight}, 0 everywhere else.
     */
    static AdamW optimizerFor(Map<String, Parameter> named, UrlSomConfig config, NDManager manager) {
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        Map<String, Double> decays = new LinkedHashMap<>();
        for (var e : named.entrySet()) {
            if (!e.getValue().requiresGradient()) {
                continue;
            }
            trainable.put(e.getKey(), e.getValue());
            decays.put(e.getKey(), e.getKey().equals("projection.weight") ? config.map().projectionL2() : 0.0);
        }
        UrlSomConfig.Optimizer opt = config.optimizer();
        return new AdamW(decays, trainable, opt.beta1(), opt.beta2(), true, manager);
    }

    @Override
    public UrlSomModel map() {
        return model;
    }

    /**
     * One optimisation step on {@code count} images ({@code [count, C, H, W]} floats in [0, 1]). The result's
     * {@code somLoss} is the WTA + anti-collapse part, {@code totalLoss} adds {@code gamma * similarity}; the
     * projection's L2 decay acts in the optimizer and is in neither.
     *
     * @throws IllegalArgumentException when {@code images} does not hold {@code count > 0} images of the config's input
     */
    @Override
    public StepResult step(float[] images, int count) {
        Objects.requireNonNull(images, "images");
        int c = config.numChannels();
        int s = config.inputSize();
        int per = config.imageFloats();
        if (count <= 0 || images.length != (long) count * per) {
            throw new IllegalArgumentException("expected " + count + " > 0 images of " + c + "x" + s + "x" + s + " ("
                    + (long) count * per + " floats), got " + images.length + " floats");
        }
        double temperature = schedule.temperature(step);
        double gamma = schedule.gamma(step);
        double lr = schedule.learningRate(step);
        float[][] pair = views.twoViews(images, count);
        float[] both = new float[2 * count * per];
        System.arraycopy(pair[0], 0, both, 0, count * per);
        System.arraycopy(pair[1], 0, both, count * per, count * per);
        double total;
        double som;
        long[] bmus;
        float[] bmuDistances;
        long[] secondBmus;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(both, new Shape(2L * count, c, s, s));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                // Both views in one training-mode pass: probabilities [2N, units].
                UrlSomNet.Outputs out = UrlSomNet.Outputs.of(model.net().forward(parameterStore, new NDList(x), true));
                NDArray p = out.probabilities();
                NDArray pPlus = p.get(new NDIndex("0:" + count));
                NDArray pMinus = p.get(new NDIndex(count + ":"));
                UrlSomLoss.Terms terms = UrlSomLoss.compute(pPlus, pMinus, gamma);
                total = terms.total().getFloat();
                som = terms.wta().getFloat() + terms.collapse().getFloat();
                // BMUs of the pair's mean probabilities, outside the graph.
                NDArray mean = pPlus.add(pMinus).div(2).stopGradient();
                NDArray best = mean.argMax(1);
                bmus = best.toLongArray();
                float[] top = mean.max(new int[] {1}).toFloatArray();
                bmuDistances = new float[count];
                for (int i = 0; i < count; i++) {
                    bmuDistances[i] = 1f - top[i];
                }
                int units = config.units();
                secondBmus = units == 1 ? new long[count]
                        : mean.sub(best.oneHot(units).toType(DataType.FLOAT32, false).mul(2)).argMax(1).toLongArray();
                collector.backward(terms.total());
            }
            optimizer.step(lr);
        }
        model.won().record(images, bmus, count);
        StepResult result = new StepResult(step, Double.NaN, Double.NaN, som, total, temperature, gamma, lr, bmus,
                bmuDistances, secondBmus);
        step++;
        return result;
    }

    @Override
    public long stepCount() {
        return step;
    }

    @Override
    public void setStepCount(long steps) {
        this.step = steps;
    }

    @Override
    public TrainingSchedule schedule() {
        return schedule;
    }

    @Override
    public AdamW optimizer() {
        return optimizer;
    }
}
