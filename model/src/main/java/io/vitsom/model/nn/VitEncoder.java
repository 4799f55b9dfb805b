package io.vitsom.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ViT encoder: patch embedding + fixed sin-cos positions, a learned CLS token prepended,
 * {@code depth} pre-norm blocks and a final LayerNorm. Output: all tokens {@code [B, 1 + N, D]}.
 */
public final class VitEncoder extends AbstractBlock {
    private final int channels;
    private final int imageSize;
    private final int dim;
    private final PatchEmbedding patchEmbedding;
    private final Parameter clsToken;
    private final Parameter positions;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNorm norm;

    /**
     * @param channels input channels
     * @param imageSize input height = width
     * @param patchSize patch side; divides {@code imageSize}
     * @param dim token width D
     * @param depth number of transformer blocks
     * @param heads attention heads
     * @param mlpHidden MLP hidden width
     */
    public VitEncoder(int channels, int imageSize, int patchSize, int dim, int depth, int heads, int mlpHidden) {
        this.channels = channels;
        this.imageSize = imageSize;
        this.dim = dim;
        int grid = imageSize / patchSize;
        this.patchEmbedding = addChildBlock("patch_embed", new PatchEmbedding(channels, imageSize, patchSize, dim));
        this.clsToken = addParameter(Parameter.builder().setName("cls_token").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, 1, dim)).optInitializer(Initializers.normal(0.02)).build());
        this.positions = addParameter(Parameter.builder().setName("pos_embed").setType(Parameter.Type.OTHER)
                .optShape(new Shape(1, 1 + (long) grid * grid, dim)).optRequiresGrad(false)
                .optInitializer(Initializers.constant(PositionEmbedding.sinCos2d(dim, grid))).build());
        for (int i = 0; i < depth; i++) {
            blocks.add(addChildBlock("blocks_" + i, new TransformerBlock(dim, heads, mlpHidden)));
        }
        this.norm = addChildBlock("norm", Layers.layerNorm());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray images = inputs.singletonOrThrow();
        long b = images.getShape().get(0);
        NDArray pos = ps.getValue(positions, images.getDevice(), training);
        NDArray x = patchEmbedding.forward(ps, inputs, training).singletonOrThrow().add(pos.get(new NDIndex(":, 1:, :")));
        NDArray cls = ps.getValue(clsToken, images.getDevice(), training).add(pos.get(new NDIndex(":, :1, :")));
        x = NDArrays.concat(new NDList(cls.broadcast(new Shape(b, 1, dim)), x), 1);
        for (TransformerBlock block : blocks) {
            x = block.forward(ps, new NDList(x), training).singletonOrThrow();
        }
        return new NDList(Layers.normalize(ps, norm, x, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape tokens = patchEmbedding.getOutputShapes(inputShapes)[0];
        return new Shape[] {new Shape(tokens.get(0), tokens.get(1) + 1, dim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        patchEmbedding.initialize(manager, dataType, new Shape(1, channels, imageSize, imageSize));
        for (TransformerBlock block : blocks) {
            block.initialize(manager, dataType, new Shape(1, 1, dim));
        }
        Layers.initialize(norm, manager, dataType, dim);
    }

    void collectParameters(String prefix, Map<String, Parameter> out) {
        out.put(prefix + ".cls_token", clsToken);
        out.put(prefix + ".pos_embed", positions);
        patchEmbedding.collectParameters(prefix + ".patch_embed", out);
        for (int i = 0; i < blocks.size(); i++) {
            blocks.get(i).collectParameters(prefix + ".blocks." + i, out);
        }
        Layers.collect(norm, prefix + ".norm", out);
    }
}
