package io.vitsom.model.generative;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.vitsom.model.nn.Initializers;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The evaluation classifier's network: {@code conv 3x3 (32) -> ReLU -> max-pool 2 -> conv 3x3 (64) -> ReLU ->
 * max-pool 2 -> flatten (64 * 7 * 7) -> Linear (128) -> ReLU -> Linear (10)} on {@code [N, 1, 28, 28]} images.
 * {@link #forward} returns the class logits {@code [N, 10]} and the 128-d features {@code [N, 128]} (after the ReLU:
 * what the last layer reads, as Inception's pool features are what its classifier reads).
 *
 * <p>Pooling after each convolution rather than once after both keeps the second convolution at 14x14: four times
 * cheaper, so two epochs of Fashion-MNIST fit a small CPU. Weights and biases start as PyTorch's defaults,
 * {@code U(-1/sqrt(fan_in), 1/sqrt(fan_in))}.
 */
final class FeatureClassifierNet extends AbstractBlock {
    /** Side of the square input images. */
    static final int SIDE = 28;
    /** Classes of the output. */
    static final int CLASSES = 10;
    /** Width of the feature layer. */
    static final int FEATURE_DIM = 128;
    /** Channels of the two convolutions. */
    static final int CONV1 = 32;
    static final int CONV2 = 64;
    /** Flattened width after the second pooling: 64 channels of 7x7. */
    private static final int FLAT = CONV2 * (SIDE / 4) * (SIDE / 4);
    /** One-line description recorded in the manifest and checked on load. */
    static final String ARCHITECTURE =
            "conv3x3(32)-relu-maxpool2-conv3x3(64)-relu-maxpool2-linear(128)-relu-linear(10)";

    private final Conv2d conv1;
    private final Conv2d conv2;
    private final Linear feature;
    private final Linear classes;

    FeatureClassifierNet() {
        this.conv1 = addChildBlock("conv1", conv(CONV1, 1));
        this.conv2 = addChildBlock("conv2", conv(CONV2, CONV1));
        this.feature = addChildBlock("feature", linear(FEATURE_DIM, FLAT));
        this.classes = addChildBlock("classes", linear(CLASSES, FEATURE_DIM));
    }

    private static Conv2d conv(int filters, int in) {
        Conv2d c = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(filters).optPadding(new Shape(1, 1))
                .optBias(true).build();
        c.setInitializer(Initializers.defaultBias(in * 9L), Parameter.Type.WEIGHT);
        c.setInitializer(Initializers.defaultBias(in * 9L), Parameter.Type.BIAS);
        return c;
    }

    private static Linear linear(int units, int in) {
        Linear l = Linear.builder().setUnits(units).optBias(true).build();
        l.setInitializer(Initializers.defaultBias(in), Parameter.Type.WEIGHT);
        l.setInitializer(Initializers.defaultBias(in), Parameter.Type.BIAS);
        return l;
    }

    /**
     * Named view of the forward outputs.
     *
     * @param logits class logits {@code [N, 10]}
     * @param features the feature layer {@code [N, 128]}
     */
    record Outputs(NDArray logits, NDArray features) {
        static Outputs of(NDList list) {
            return new Outputs(list.get(0), list.get(1));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        // Two conv-ReLU-pool stages: [N, 1, 28, 28] -> [N, 32, 14, 14] -> [N, 64, 7, 7].
        x = pool(Activation.relu(apply(ps, conv1, x, training)));
        x = pool(Activation.relu(apply(ps, conv2, x, training)));
        // Flatten, the 128-d feature layer, the class logits.
        NDArray features = Activation.relu(apply(ps, feature, x.reshape(x.getShape().get(0), FLAT), training));
        NDArray logits = apply(ps, classes, features, training);
        return new NDList(logits, features);
    }

    private static NDArray pool(NDArray x) {
        return Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
    }

    private static NDArray apply(ParameterStore ps, Block block, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, CLASSES), new Shape(n, FEATURE_DIM)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv1.initialize(manager, dataType, new Shape(1, 1, SIDE, SIDE));
        conv2.initialize(manager, dataType, new Shape(1, CONV1, SIDE / 2, SIDE / 2));
        feature.initialize(manager, dataType, new Shape(1, FLAT));
        classes.initialize(manager, dataType, new Shape(1, FEATURE_DIM));
    }

    /** Initialises every parameter on {@code manager}; seed the engine first. */
    void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 1, SIDE, SIDE));
    }

    /** {@code conv1.weight}, {@code conv1.bias}, {@code conv2.*}, {@code feature.*}, {@code classes.*}, in order. */
    Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect(conv1, "conv1", out);
        collect(conv2, "conv2", out);
        collect(feature, "feature", out);
        collect(classes, "classes", out);
        return out;
    }

    private static void collect(Block block, String prefix, Map<String, Parameter> out) {
        for (var pair : block.getParameters()) {
            String name = switch (pair.getValue().getType()) {
                case WEIGHT -> "weight";
                case BIAS -> "bias";
                default -> throw new IllegalStateException("unexpected parameter " + pair.getKey() + " in " + prefix);
            };
            out.put(prefix + "." + name, pair.getValue());
        }
    }
}
