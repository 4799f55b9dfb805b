package io.vitsom.model.urlsom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * A ResNet basic block (He et al. 2016): {@code act(bn2(conv2(act(bn1(conv1(x))))) + shortcut(x))} with 3x3
 * bias-free convolutions, {@code conv1} striding; the shortcut is the identity when the shape is kept and a strided
 * 1x1 convolution with batch norm when it changes. Input {@code [N, in, H, W]}, output
 * {@code [N, out, ceil(H / stride), ceil(W / stride)]}.
 */
final class BasicBlock extends AbstractBlock {
    private final UrlSomConfig.Activation activation;
    private final Conv2d conv1;
    private final BatchNorm bn1;
    private final Conv2d conv2;
    private final BatchNorm bn2;
    private final Conv2d shortcutConv;
    private final BatchNorm shortcutBn;

    /**
     * @param in input channels
     * @param out output channels
     * @param stride stride of the first convolution (and of the shortcut)
     * @param activation activation after the first batch norm and after the sum
     */
    BasicBlock(int in, int out, int stride, UrlSomConfig.Activation activation) {
        this.activation = activation;
        this.conv1 = addChildBlock("conv1", UrlSomLayers.conv(out, 3, stride));
        this.bn1 = addChildBlock("bn1", UrlSomLayers.batchNorm());
        this.conv2 = addChildBlock("conv2", UrlSomLayers.conv(out, 3, 1));
        this.bn2 = addChildBlock("bn2", UrlSomLayers.batchNorm());
        if (in != out || stride != 1) {
            this.shortcutConv = addChildBlock("shortcut_conv", UrlSomLayers.conv(out, 1, stride));
            this.shortcutBn = addChildBlock("shortcut_bn", UrlSomLayers.batchNorm());
        } else {
            this.shortcutConv = null;
            this.shortcutBn = null;
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        // Residual branch: conv-BN-act, conv-BN.
        NDArray y = UrlSomLayers.activate(activation, UrlSomLayers.convBn(ps, conv1, bn1, x, training));
        y = UrlSomLayers.convBn(ps, conv2, bn2, y, training);
        // Shortcut: identity, or the strided 1x1 projection when the shape changes.
        NDArray shortcut = shortcutConv == null ? x : UrlSomLayers.convBn(ps, shortcutConv, shortcutBn, x, training);
        // Activation after the sum.
        return new NDList(UrlSomLayers.activate(activation, y.add(shortcut)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv2.getOutputShapes(conv1.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv1.initialize(manager, dataType, inputShapes);
        Shape[] mid = conv1.getOutputShapes(inputShapes);
        bn1.initialize(manager, dataType, mid);
        conv2.initialize(manager, dataType, mid);
        Shape[] out = conv2.getOutputShapes(mid);
        bn2.initialize(manager, dataType, out);
        if (shortcutConv != null) {
            shortcutConv.initialize(manager, dataType, inputShapes);
            shortcutBn.initialize(manager, dataType, out);
        }
    }

    /** Adds this block's parameters as {@code prefix.conv1.weight}, {@code prefix.bn1.gamma}, ... */
    void collectParameters(String prefix, Map<String, Parameter> out) {
        UrlSomLayers.collect(conv1, prefix + ".conv1", out);
        UrlSomLayers.collect(bn1, prefix + ".bn1", out);
        UrlSomLayers.collect(conv2, prefix + ".conv2", out);
        UrlSomLayers.collect(bn2, prefix + ".bn2", out);
        if (shortcutConv != null) {
            UrlSomLayers.collect(shortcutConv, prefix + ".shortcut.conv", out);
            UrlSomLayers.collect(shortcutBn, prefix + ".shortcut.bn", out);
        }
    }
}
