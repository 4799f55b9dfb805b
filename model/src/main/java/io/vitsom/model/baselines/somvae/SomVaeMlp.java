package io.vitsom.model.baselines.somvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.vitsom.model.baselines.MlpStack;
import java.util.List;
import java.util.Map;

/**
 * One of the reference's fully connected networks ({@code tf.keras.layers.Dense} stacks): ReLU hidden layers
 * and a chosen output activation, ReLU for the encoder (the reference's {@code z_e} layer has
 * {@code activation="relu"}) and sigmoid for the decoders. Weights Glorot-uniform, biases zero (Keras'
 * defaults), via {@link MlpStack}. Forward: {@code [B, widths[0]] -> [B, widths[last]]}.
 */
public final class SomVaeMlp extends AbstractBlock {
    /** Activation after the last layer. */
    public enum Output { RELU, SIGMOID }

    private final List<Integer> widths;
    private final List<String> names;
    private final Output output;
    private final MlpStack stack;

    /**
     * @param widths layer widths, input first
     * @param names one name per layer (e.g. {@code encoder_0})
     * @param output activation after the last layer
     */
    public SomVaeMlp(List<Integer> widths, List<String> names, Output output) {
        this.widths = List.copyOf(widths);
        this.names = List.copyOf(names);
        this.output = output;
        this.stack = addChildBlock("stack", new MlpStack(this.widths, this.names));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // Dense layers (ReLU between them, linear last), then the output activation.
        NDArray y = stack.forward(ps, inputs, training).singletonOrThrow();
        return new NDList(output == Output.RELU ? Activation.relu(y) : Activation.sigmoid(y));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), widths.get(widths.size() - 1))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        stack.initialize(manager, dataType, new Shape(1, widths.get(0)));
    }

    /** Layer widths, input first. */
    public List<Integer> widths() {
        return widths;
    }

    /** Activation after the last layer. */
    public Output output() {
        return output;
    }

    /** Adds every parameter as {@code <layer name>.weight} / {@code <layer name>.bias}, layers in order. */
    void collectParameters(Map<String, Parameter> out) {
        int i = 0;
        for (Pair<String, Block> layer : stack.getChildren()) {
            for (Pair<String, Parameter> pair : layer.getValue().getParameters()) {
                String kind = switch (pair.getValue().getType()) {
                    case WEIGHT -> "weight";
                    case BIAS -> "bias";
                    default -> throw new IllegalStateException("unexpected parameter " + pair.getKey());
                };
                out.put(names.get(i) + "." + kind, pair.getValue());
            }
            i++;
        }
    }
}
