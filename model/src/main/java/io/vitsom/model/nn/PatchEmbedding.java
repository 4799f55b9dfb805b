package io.vitsom.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * Patch embedding: a {@code p x p} convolution with stride {@code p} from {@code C} channels to width
 * {@code D}, flattened to tokens {@code [B, (H/p)*(W/p), D]} in row-major patch order.
 * Weight init xavier-uniform on {@code [D, C*p*p]} (MAE's "like nn.Linear"); bias keeps PyTorch's conv default.
 */
public final class PatchEmbedding extends AbstractBlock {
    private final int channels;
    private final int imageSize;
    private final int patchSize;
    private final int dim;
    private final Conv2d proj;

    public PatchEmbedding(int channels, int imageSize, int patchSize, int dim) {
        this.channels = channels;
        this.imageSize = imageSize;
        this.patchSize = patchSize;
        this.dim = dim;
        this.proj = addChildBlock("proj", Conv2d.builder()
                .setKernelShape(new Shape(patchSize, patchSize))
                .optStride(new Shape(patchSize, patchSize))
                .setFilters(dim)
                .optBias(true)
                .build());
        proj.setInitializer(Initializers.xavierUniform(), Parameter.Type.WEIGHT);
        proj.setInitializer(Initializers.defaultBias((long) channels * patchSize * patchSize), Parameter.Type.BIAS);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray maps = proj.forward(ps, inputs, training).singletonOrThrow(); // [B, D, G, G]
        long b = maps.getShape().get(0);
        return new NDList(maps.reshape(b, dim, -1).transpose(0, 2, 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long g = inputShapes[0].get(2) / patchSize;
        return new Shape[] {new Shape(inputShapes[0].get(0), g * g, dim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        proj.initialize(manager, dataType, new Shape(1, channels, imageSize, imageSize));
    }

    void collectParameters(String prefix, Map<String, Parameter> out) {
        Layers.collect(proj, prefix + ".proj", out);
    }
}
