package io.vitsom.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;
import java.util.Optional;

/**
 * Multi-head self-attention with a biased qkv projection, scale {@code head_dim^-0.5} and softmax,
 * as the reference's {@code Attention} (no dropout: the reference builds its blocks without it).
 * The attention itself runs in libtorch's fused kernel ({@link TorchScriptKernels}); it computes the same
 * function as the explicit formula (tests compare value and gradient). Inference on narrow heads takes the C
 * kernel of {@link NativeKernels} instead.
 */
public final class MultiHeadAttention extends AbstractBlock {
    /**
     * {@code -Dvitsom.attention=explicit} computes the explicit formula everywhere, without libtorch's fused
     * kernel or the C one (for comparisons and debugging); the C kernels alone go off with the launcher's
     * {@code VITSOM_NATIVE_KERNELS=0}.
     */
    private static final boolean KERNELS_ENABLED = !"explicit".equals(System.getProperty("vitsom.attention"));

    private final int dim;
    private final int heads;
    private final float scale;
    private final Linear qkv;
    private final Linear proj;
    /** libtorch's fused attention, loaded at initialisation; the explicit formula is the fallback. */
    private PtSymbolBlock fused;

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
        NDArray projected = qkv.forward(ps, new NDList(x), training).singletonOrThrow();
        if (KERNELS_ENABLED && Layers.inferenceOnly(training)) {
            Optional<NDArray> attended = NativeKernels.attention(projected, this.heads);
            if (attended.isPresent()) {
                return proj.forward(ps, new NDList(attended.get()), false);
            }
        }
        // [B, N, 3D] -> [3, B, heads, N, head_dim]
        NDArray packed = projected.reshape(b, n, 3, heads, dim / heads).transpose(2, 0, 3, 1, 4);
        NDArray q = packed.get(0);
        NDArray k = packed.get(1);
        NDArray v = packed.get(2);
        NDArray heads;
        if (fused != null) {
            // softmax(q k^T / sqrt(head_dim)) v without materialising the score tensor.
            heads = fused.forward(ps, new NDList(q, k, v), training).singletonOrThrow();
        } else {
            // Scale after q @ k^T like the reference; the scalar is an owned array (see Scalars).
            heads = q.matMul(k.transpose(0, 1, 3, 2)).mul(Scalars.of(x, scale)).softmax(-1).matMul(v);
        }
        NDArray attended = heads.transpose(0, 2, 1, 3).reshape(b, n, dim);
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
        if (fused == null && KERNELS_ENABLED) {
            fused = TorchScriptKernels.scaledDotProductAttention(manager);
        }
    }


    void collectParameters(String prefix, Map<String, Parameter> out) {
        Layers.collect(qkv, prefix + ".qkv", out);
        Layers.collect(proj, prefix + ".proj", out);
    }
}
