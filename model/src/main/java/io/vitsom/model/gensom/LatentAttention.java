package io.vitsom.model.gensom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.vitsom.model.nn.MultiHeadAttention;
import java.util.Map;

/**
 * The seed's attention module (section 2.1, {@code v_attn = Attention(v)}): multi-head self-attention over a set of
 * tokens with a residual connection and a LayerNorm after it, {@code LayerNorm(x + MHA(x))} (post-norm, as the
 * original Transformer: a single block needs no pre-norm for stability, and the norm keeps the tokens at one scale
 * for the SOM downstream). Input and output {@code [N, tokens, width]}. The attention is the project's
 * {@link MultiHeadAttention} (biased qkv and output projections, scale {@code head_dim^-0.5}); the LayerNorm has
 * epsilon 1e-6, weight 1 and bias 0. Parameters: {@code prefix.qkv.*}, {@code prefix.proj.*},
 * {@code prefix.norm.*}.
 */
public final class LatentAttention extends AbstractBlock {
    static final float LAYER_NORM_EPS = 1e-6f;

    private final int width;
    private final MultiHeadAttention attention;
    private final LayerNorm norm;

    /**
     * @param width token width
     * @param heads attention heads; must divide {@code width}
     */
    public LatentAttention(int width, int heads) {
        this.width = width;
        this.attention = addChildBlock("attention", new MultiHeadAttention(width, heads));
        LayerNorm layerNorm = LayerNorm.builder().axis(1).optEpsilon(LAYER_NORM_EPS).build();
        layerNorm.setInitializer(Initializer.ONES, Parameter.Type.GAMMA);
        layerNorm.setInitializer(Initializer.ZEROS, Parameter.Type.BETA);
        this.norm = addChildBlock("norm", layerNorm);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        // Self-attention over the tokens, residual, LayerNorm over each token's width.
        NDArray attended = attention.forward(ps, new NDList(x), training).singletonOrThrow();
        return norm.forward(ps, new NDList(x.add(attended)), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        attention.initialize(manager, dataType, new Shape(1, 1, width));
        // Initialised on [1, width] with axis 1: DJL then normalises the trailing width values of any input.
        norm.initialize(manager, dataType, new Shape(1, width));
    }

    /** Adds {@code prefix.qkv.weight}, {@code prefix.qkv.bias}, {@code prefix.proj.*} and {@code prefix.norm.*}. */
    public void collectParameters(String prefix, Map<String, Parameter> out) {
        GenSomLayers.collect(attention, prefix, out);
        GenSomLayers.collect(norm, prefix + ".norm", out);
    }
}
