package io.vitsom.model.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.vitsom.model.nn.Initializers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A stack of fully connected layers, as Keras {@code Dense}: ReLU after every layer but the last, which is
 * linear. Weights Glorot-uniform, biases zero (Keras' defaults, the reference's {@code ae_init}).
 * Forward: {@code [B, widths[0]] -> [B, widths[last]]}.
 */
public final class MlpStack extends AbstractBlock {
    private final List<Integer> widths;
    private final List<String> names;
    private final List<Linear> layers = new ArrayList<>();

    /**
     * @param widths layer widths, input first
     * @param names one name per layer (the reference's Keras layer names, e.g. {@code encoder_0})
     */
    public MlpStack(List<Integer> widths, List<String> names) {
        this.widths = List.copyOf(widths);
        this.names = List.copyOf(names);
        if (this.widths.size() < 2 || this.names.size() != this.widths.size() - 1) {
            throw new IllegalArgumentException("MlpStack needs >= 2 widths and one name per layer, got widths "
                    + widths + " and names " + names);
        }
        for (int i = 0; i < this.names.size(); i++) {
            Linear linear = Linear.builder().setUnits(this.widths.get(i + 1)).optBias(true).build();
            linear.setInitializer(Initializers.xavierUniform(), Parameter.Type.WEIGHT);
            linear.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
            layers.add(addChildBlock(this.names.get(i), linear));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        for (int i = 0; i < layers.size(); i++) {
            // Dense layer; ReLU on the hidden ones, the last stays linear.
            x = layers.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
            if (i < layers.size() - 1) {
                x = Activation.relu(x);
            }
        }
        return new NDList(x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), widths.get(widths.size() - 1))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).initialize(manager, dataType, new Shape(1, widths.get(i)));
        }
    }

    /** Layer widths, input first. */
    public List<Integer> widths() {
        return widths;
    }

    /** Adds every parameter as {@code <layer name>.weight} / {@code <layer name>.bias}, layers in order. */
    void collectParameters(Map<String, Parameter> out) {
        for (int i = 0; i < layers.size(); i++) {
            for (var pair : layers.get(i).getParameters()) {
                String kind = switch (pair.getValue().getType()) {
                    case WEIGHT -> "weight";
                    case BIAS -> "bias";
                    default -> throw new IllegalStateException("unexpected parameter " + pair.getKey());
                };
                out.put(names.get(i) + "." + kind, pair.getValue());
            }
        }
    }
}
