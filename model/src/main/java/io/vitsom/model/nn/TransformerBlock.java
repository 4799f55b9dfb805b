package io.vitsom.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * A pre-norm transformer block: {@code x + Attn(LN(x))}, then {@code x + MLP(LN(x))} with an exact-GELU
 * MLP {@code dim -> hidden -> dim} (the reference's {@code Block}).
 */
public final class TransformerBlock extends AbstractBlock {
    private final int dim;
    private final int hidden;
    private final LayerNorm norm1;
    private final MultiHeadAttention attention;
    private final LayerNorm norm2;
    private final Linear fc1;
    private final Linear fc2;

    /**
     * @param dim token width
     * @param heads attention heads
     * @param hidden MLP hidden width ({@code int(dim * mlp_ratio)})
     */
    public TransformerBlock(int dim, int heads, int hidden) {
        this.dim = dim;
        this.hidden = hidden;
        this.norm1 = addChildBlock("norm1", Layers.layerNorm());
        this.attention = addChildBlock("attn", new MultiHeadAttention(dim, heads));
        this.norm2 = addChildBlock("norm2", Layers.layerNorm());
        this.fc1 = addChildBlock("fc1", Layers.linear(hidden));
        this.fc2 = addChildBlock("fc2", Layers.linear(dim));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray attended = attention.forward(ps, new NDList(Layers.normalize(ps, norm1, x, training)), training)
                .singletonOrThrow();
        x = x.add(attended);
        NDArray h = fc1.forward(ps, new NDList(Layers.normalize(ps, norm2, x, training)), training).singletonOrThrow();
        // DJL's gelu maps to torch's gelu with approximate='none', the reference's nn.GELU().
        NDArray mlp = fc2.forward(ps, new NDList(Activation.gelu(h)), training).singletonOrThrow();
        return new NDList(x.add(mlp));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Layers.initialize(norm1, manager, dataType, dim);
        attention.initialize(manager, dataType, new Shape(1, 1, dim));
        Layers.initialize(norm2, manager, dataType, dim);
        Layers.initialize(fc1, manager, dataType, dim);
        Layers.initialize(fc2, manager, dataType, hidden);
    }

    void collectParameters(String prefix, Map<String, Parameter> out) {
        Layers.collect(norm1, prefix + ".norm1", out);
        attention.collectParameters(prefix + ".attn", out);
        Layers.collect(norm2, prefix + ".norm2", out);
        Layers.collect(fc1, prefix + ".mlp.0", out);
        Layers.collect(fc2, prefix + ".mlp.2", out);
    }
}
