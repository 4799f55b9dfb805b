package io.vitsom.model.gensom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.vitsom.model.nn.Initializers;
import java.util.Map;

/**
 * The Linear to the latent: tokens {@code [N, tokens, width]} read out ({@code flatten}: all of them in order,
 * {@code [N, tokens * width]}; {@code mean}: their average, {@code [N, width]}) and projected to
 * {@code [N, latentDim]}. Weight and bias start as PyTorch's {@code nn.Linear}, {@code U(+-1/sqrt(in))}.
 * Parameters: {@code prefix.weight}, {@code prefix.bias}.
 */
public final class LatentProjection extends AbstractBlock {
    private final int tokens;
    private final int width;
    private final GenSomConfig.Readout readout;
    private final Linear linear;

    /**
     * @param tokens tokens per input
     * @param width token width
     * @param readout how the tokens become the Linear's input
     * @param latentDim output width
     */
    public LatentProjection(int tokens, int width, GenSomConfig.Readout readout, int latentDim) {
        this.tokens = tokens;
        this.width = width;
        this.readout = readout;
        long in = inFeatures();
        Linear projection = Linear.builder().setUnits(latentDim).optBias(true).build();
        projection.setInitializer(Initializers.defaultBias(in), Parameter.Type.WEIGHT);
        projection.setInitializer(Initializers.defaultBias(in), Parameter.Type.BIAS);
        this.linear = addChildBlock("linear", projection);
    }

    private long inFeatures() {
        return readout == GenSomConfig.Readout.FLATTEN ? (long) tokens * width : width;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long n = x.getShape().get(0);
        // Readout: the tokens in order, or their mean.
        NDArray features = readout == GenSomConfig.Readout.FLATTEN ? x.reshape(n, (long) tokens * width) : x.mean(new int[] {1});
        return linear.forward(ps, new NDList(features), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return linear.getOutputShapes(new Shape[] {new Shape(inputShapes[0].get(0), inFeatures())});
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        linear.initialize(manager, dataType, new Shape(1, inFeatures()));
    }

    /** Adds {@code prefix.weight} and {@code prefix.bias}. */
    public void collectParameters(String prefix, Map<String, Parameter> out) {
        GenSomLayers.collect(linear, prefix, out);
    }
}
