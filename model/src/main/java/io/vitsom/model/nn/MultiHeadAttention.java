package io.vitsom.model.nn;

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
import java.util.Map;

/**
 * Multi-head self-attention with a biased qkv projection, scale {@code head_dim^-0.5} and softmax,
 * as the reference's {@code Attention} (no dropout: the reference builds its blocks without it).
 */
public final class MultiHeadAttention extends AbstractBlock {
    private final int dim;
    private final int heads;
    private final float scale;
    private final Linear qkv;
    private final Linear proj;

    /**
     * @param dim token width
     * @param heads number of heads; must divide {@code dim}
     */
    public MultiHeadAttention(int dim, int heads) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException(heads + " heads do not divide width " + dim);
        }
        this.dim = dim;
        this.heads = heads;
        this.scale = (float) Math.pow((double) dim / heads, -0.5);
        this.qkv = addChildBlock("qkv", Layers.linear(3L * dim));
        this.proj = addChildBlock("proj", Layers.linear(dim));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long b = x.getShape().get(0);
        long n = x.getShape().get(1);
        // [B, N, 3D] -> [3, B, heads, N, head_dim]
        NDArray packed = qkv.forward(ps, new NDList(x), training).singletonOrThrow()
                .reshape(b, n, 3, heads, dim / heads).transpose(2, 0, 3, 1, 4);
        NDArray q = packed.get(0);
        NDArray k = packed.get(1);
        NDArray v = packed.get(2);
        // Scale after q @ k^T like the reference; the scalar is an owned array (see Scalars).
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(Scalars.of(x, scale));
        NDArray attended = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, n, dim);
        return proj.forward(ps, new NDList(attended), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Layers.initialize(qkv, manager, dataType, dim);
        Layers.initialize(proj, manager, dataType, dim);
    }

    void collectParameters(String prefix, Map<String, Parameter> out) {
        Layers.collect(qkv, prefix + ".qkv", out);
        Layers.collect(proj, prefix + ".proj", out);
    }
}
