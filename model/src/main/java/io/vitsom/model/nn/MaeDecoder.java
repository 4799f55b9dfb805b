package io.vitsom.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The MAE-style decoder (no masking): Linear {@code D -> D_dec} over all tokens, fixed sin-cos positions,
 * {@code dec_depth} blocks, LayerNorm, Linear {@code D_dec -> p*p*C}; the CLS row is dropped and the
 * patches are unpatchified to {@code [B, C, H, W]}.
 */
public final class MaeDecoder extends AbstractBlock {
    private final int channels;
    private final int patchSize;
    private final int grid;
    private final int encoderDim;
    private final int dim;
    private final Linear embed;
    private final Parameter positions;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNorm norm;
    private final Linear pred;

    public MaeDecoder(int channels, int imageSize, int patchSize, int encoderDim, int dim, int depth, int heads,
                      int mlpHidden) {
        this.channels = channels;
        this.patchSize = patchSize;
        this.grid = imageSize / patchSize;
        this.encoderDim = encoderDim;
        this.dim = dim;
        this.embed = addChildBlock("decoder_embed", Layers.linear(dim));
        this.positions = addParameter(Parameter.builder().setName("decoder_pos_embed").setType(Parameter.Type.OTHER)
                .optShape(new Shape(1, 1 + (long) grid * grid, dim)).optRequiresGrad(false)
                .optInitializer(Initializers.constant(PositionEmbedding.sinCos2d(dim, grid))).build());
        for (int i = 0; i < depth; i++) {
            blocks.add(addChildBlock("decoder_blocks_" + i, new TransformerBlock(dim, heads, mlpHidden)));
        }
        this.norm = addChildBlock("decoder_norm", Layers.layerNorm());
        this.pred = addChildBlock("decoder_pred", Layers.linear((long) patchSize * patchSize * channels));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.singletonOrThrow();
        NDArray x = embed.forward(ps, inputs, training).singletonOrThrow()
                .add(ps.getValue(positions, tokens.getDevice(), training));
        for (TransformerBlock block : blocks) {
            x = block.forward(ps, new NDList(x), training).singletonOrThrow();
        }
        x = norm.forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray patches = pred.forward(ps, new NDList(x), training).singletonOrThrow().get(new NDIndex(":, 1:, :"));
        return new NDList(unpatchify(patches));
    }

    /** {@code [B, G*G, p*p*C] -> [B, C, G*p, G*p]}: einsum {@code nhwpqc -> nchpwq} as in MAE. */
    NDArray unpatchify(NDArray patches) {
        long b = patches.getShape().get(0);
        return patches.reshape(b, grid, grid, patchSize, patchSize, channels)
                .transpose(0, 5, 1, 3, 2, 4)
                .reshape(b, channels, (long) grid * patchSize, (long) grid * patchSize);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), channels, (long) grid * patchSize, (long) grid * patchSize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Layers.initialize(embed, manager, dataType, encoderDim);
        for (TransformerBlock block : blocks) {
            block.initialize(manager, dataType, new Shape(1, 1, dim));
        }
        Layers.initialize(norm, manager, dataType, dim);
        Layers.initialize(pred, manager, dataType, dim);
    }

    void collectParameters(String prefix, Map<String, Parameter> out) {
        Layers.collect(embed, prefix + ".decoder_embed", out);
        out.put(prefix + ".decoder_pos_embed", positions);
        for (int i = 0; i < blocks.size(); i++) {
            blocks.get(i).collectParameters(prefix + ".decoder_blocks." + i, out);
        }
        Layers.collect(norm, prefix + ".decoder_norm", out);
        Layers.collect(pred, prefix + ".decoder_pred", out);
    }
}
