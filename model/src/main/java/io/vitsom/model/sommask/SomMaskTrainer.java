package io.vitsom.model.sommask;

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
import io.vitsom.model.config.AdamSection;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.nn.Autograd;
import io.vitsom.model.train.AdamW;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * Trains a {@link SomMaskNet} with softmax cross-entropy and Adam (no weight decay, constant learning rate: the seed
 * names neither) while its training forward trains the SOMs, and evaluates it. Every step runs in its own
 * {@link NDScope}. Not thread-safe.
 */
public final class SomMaskTrainer implements AutoCloseable {
    private final SomMaskNet net;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final AdamW optimizer;
    private final double learningRate;

    /**
     * The test accuracy and the active neurons of an evaluation.
     *
     * @param accuracy fraction of images whose argmax logit is their label
     * @param activePerLayer per masked position, the mean number of neurons with a non-zero mask per image
     */
    public record Evaluation(double accuracy, double[] activePerLayer) {
        public Evaluation {
            activePerLayer = activePerLayer.clone();
        }

        /** The mean active neurons per image over all masked positions together. */
        public double activeTotal() {
            return Arrays.stream(activePerLayer).sum();
        }

        @Override
        public double[] activePerLayer() {
            return activePerLayer.clone();
        }
    }

    /**
     * @param net an initialised network whose parameters live on {@code manager}
     * @param optimizer Adam's settings
     * @param manager owns the optimizer state
     */
    public SomMaskTrainer(SomMaskNet net, AdamSection optimizer, NDManager manager) {
        this.net = Objects.requireNonNull(net, "net");
        this.manager = Objects.requireNonNull(manager, "manager");
        this.parameterStore = new ParameterStore(manager, false);
        Map<String, Parameter> params = net.namedParameters();
        Map<String, Double> decays = new LinkedHashMap<>();
        params.keySet().forEach(name -> decays.put(name, 0.0));
        this.optimizer = new AdamW(decays, params, optimizer.beta1(), optimizer.beta2(), true, manager);
        this.learningRate = optimizer.learningRate();
    }

    /**
     * One step on {@code labels.length} images ({@code [N, C, H, W]} floats in [0, 1]); returns the batch's mean
     * cross-entropy.
     */
    public double step(float[] images, int[] labels) {
        NetworkPlan plan = net.plan();
        int n = labels.length;
        int per = plan.channels() * plan.inputSize() * plan.inputSize();
        if (n == 0 || images.length != (long) n * per) {
            throw new IllegalArgumentException("expected " + n + " > 0 images of " + per + " floats, got "
                    + images.length + " floats");
        }
        double loss;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(images, new Shape(n, plan.channels(), plan.inputSize(), plan.inputSize()));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = SomMaskNet.Outputs.of(net.forward(parameterStore, new NDList(x), true)).logits();
                NDArray ce = crossEntropy(logits, labels, plan.classes());
                loss = ce.getFloat();
                collector.backward(ce);
            }
            optimizer.step(learningRate);
        }
        return loss;
    }

    /** Mean softmax cross-entropy of {@code logits} against {@code labels}. */
    static NDArray crossEntropy(NDArray logits, int[] labels, int classes) {
        NDArray target = logits.getManager().create(labels).oneHot(classes).toType(DataType.FLOAT32, false);
        return logits.logSoftmax(1).mul(target).sum(new int[] {1}).mean().neg();
    }

    /**
     * Accuracy and active neurons on {@code set} in evaluation mode (no dropout, no SOM step).
     *
     * @param batch images per forward pass
     * @param progressOrNull receives the images done
     */
    public Evaluation evaluate(ImageSet set, int batch, IntConsumer progressOrNull) {
        NetworkPlan plan = net.plan();
        int correct = 0;
        double[] active = new double[plan.maskedLayers()];
        for (int start = 0; start < set.size(); start += batch) {
            int b = Math.min(batch, set.size() - start);
            int[] idx = new int[b];
            for (int i = 0; i < b; i++) {
                idx[i] = start + i;
            }
            int[] labels = set.labelsOf(idx);
            try (NDScope scope = new NDScope(); Autograd off = Autograd.off()) {
                scope.suppressNotUsedWarning();
                NDArray x = manager.create(set.batch(idx), new Shape(b, set.channels(), set.height(), set.width()));
                SomMaskNet.Outputs out = SomMaskNet.Outputs.of(net.forward(parameterStore, new NDList(x), false));
                long[] predicted = out.logits().argMax(1).toLongArray();
                for (int i = 0; i < b; i++) {
                    if (predicted[i] == labels[i]) {
                        correct++;
                    }
                }
                for (int l = 0; l < active.length; l++) {
                    active[l] += out.active().get(l).sum().getFloat();
                }
            }
            if (progressOrNull != null) {
                progressOrNull.accept(start + b);
            }
        }
        for (int l = 0; l < active.length; l++) {
            active[l] /= set.size();
        }
        return new Evaluation(set.size() == 0 ? Double.NaN : (double) correct / set.size(), active);
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
