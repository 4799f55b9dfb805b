package io.vitsom.model.sommask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.vitsom.model.sommask.NetworkPlan.LayerPlan;
import io.vitsom.model.sommask.SomMaskConfig.Network;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A SOM-as-a-mask classifier (seed paper 002) built from a {@link NetworkPlan}: same-padded conv layers, each
 * followed by a 2x2 max-pool (cnn, conv_som), then fully connected hidden layers, then a linear output; every layer is
 * a {@link MaskedLayer} with the plan's gate. Input images {@code [N, C, H, W]} in [0, 1]; output
 * {@code (logits, active_1 .. active_M)}: the logits {@code [N, classes]} and, for each of the plan's
 * {@link NetworkPlan#maskedPositions() masked positions}, the neurons active per image {@code [N]} ({@link Outputs}).
 *
 * <p>A training-mode forward also trains the SOMs (one competitive step each); call {@link #close()} to free them.
 */
public final class SomMaskNet extends AbstractBlock implements AutoCloseable {
    private final NetworkPlan plan;
    private final List<MaskedLayer> convLayers = new ArrayList<>();
    private final List<MaskedLayer> hiddenLayers = new ArrayList<>();
    private final Linear output;

    /**
     * The forward pass's results.
     *
     * @param logits {@code [N, classes]}
     * @param active per masked position, the neurons with a non-zero mask per image, {@code [N]}
     */
    public record Outputs(NDArray logits, List<NDArray> active) {
        /** Reads {@link SomMaskNet#forward}'s list. */
        public static Outputs of(NDList list) {
            return new Outputs(list.get(0), List.copyOf(list.subList(1, list.size())));
        }
    }

    /**
     * @param plan the layers and their gates
     * @param seed the SOMs' initial sample choice and the dropout draws (weights follow the engine's seed)
     */
    public SomMaskNet(NetworkPlan plan, long seed) {
        this.plan = Objects.requireNonNull(plan, "plan");
        Network network = plan.network();
        for (int i = 0; i < plan.conv().size(); i++) {
            LayerPlan layer = plan.conv().get(i);
            MaskedLayer.SomInput input = network == Network.CONV_SOM
                    ? new MaskedLayer.GrayPatches(plan.patchSize(), 1 << i) : new MaskedLayer.WholeImage();
            convLayers.add(addChildBlock("conv" + (i + 1), new MaskedLayer(layer.width(), plan.convKernel(),
                    layer.gate(), input, plan.activation(), plan.position(), seed + 1000L * (i + 1))));
        }
        for (int i = 0; i < plan.hidden().size(); i++) {
            LayerPlan layer = plan.hidden().get(i);
            hiddenLayers.add(addChildBlock("fc" + (i + 1), new MaskedLayer(layer.width(), 0, layer.gate(),
                    new MaskedLayer.LayerInput(), plan.activation(), plan.position(), seed + 100_000L * (i + 1))));
        }
        Linear out = Linear.builder().setUnits(plan.classes()).optBias(true).build();
        out.setInitializer((manager, shape, dataType) -> {
            float bound = (float) (1 / Math.sqrt(shape.get(1)));
            return manager.randomUniform(-bound, bound, shape, dataType);
        }, Parameter.Type.WEIGHT);
        out.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        this.output = addChildBlock("out", out);
    }

    /** The plan the network was built from. */
    public NetworkPlan plan() {
        return plan;
    }

    /** Initialises the parameters for the plan's input on {@code manager}. */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, plan.channels(), plan.inputSize(), plan.inputSize()));
    }

    /** The SOM of each masked layer, in layer order (empty for arms without SOM). */
    public List<CompetitiveSom> soms() {
        List<CompetitiveSom> out = new ArrayList<>();
        for (MaskedLayer layer : allLayers()) {
            if (layer.som() != null) {
                out.add(layer.som());
            }
        }
        return out;
    }

    /** The trained parameters by unique name. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (var pair : getParameters()) {
            out.put(pair.getKey(), pair.getValue());
        }
        return out;
    }

    /** How many weights and biases the network trains. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.getArray().getShape().size();
        }
        return n;
    }

    private List<MaskedLayer> allLayers() {
        List<MaskedLayer> all = new ArrayList<>(convLayers);
        all.addAll(hiddenLayers);
        return all;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray image = inputs.singletonOrThrow();
        long n = image.getShape().get(0);
        List<NDArray> active = new ArrayList<>();
        NDArray x = image;
        // Conv stages: gated convolution, then 2x2 max-pool.
        for (MaskedLayer layer : convLayers) {
            NDList out = layer.forward(ps, new NDList(x, image), training);
            active.add(out.get(1));
            x = Pool.maxPool2d(out.get(0), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        }
        // Fully connected stages on the flattened features.
        x = x.reshape(n, -1);
        for (MaskedLayer layer : hiddenLayers) {
            NDList out = layer.forward(ps, new NDList(x, image), training);
            active.add(out.get(1));
            x = out.get(0);
        }
        NDList result = new NDList(output.forward(ps, new NDList(x), training).singletonOrThrow());
        int offset = plan.network() == Network.FC ? convLayers.size() : 0;
        result.addAll(active.subList(offset, offset + plan.maskedLayers()));
        return result;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        Shape[] out = new Shape[1 + plan.maskedLayers()];
        out[0] = new Shape(n, plan.classes());
        for (int i = 1; i < out.length; i++) {
            out[i] = new Shape(n);
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape image = inputShapes[0];
        Shape x = image;
        for (MaskedLayer layer : convLayers) {
            layer.initialize(manager, dataType, x, image);
            Shape out = layer.getOutputShapes(new Shape[] {x, image})[0];
            x = new Shape(out.get(0), out.get(1), out.get(2) / 2, out.get(3) / 2);
        }
        x = new Shape(x.get(0), x.size() / x.get(0));
        for (MaskedLayer layer : hiddenLayers) {
            layer.initialize(manager, dataType, x, image);
            x = layer.getOutputShapes(new Shape[] {x, image})[0];
        }
        output.initialize(manager, dataType, x);
    }

    @Override
    public void close() {
        allLayers().forEach(MaskedLayer::release);
    }
}
