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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * URL-SOM's backbone (paper section V.B): the CIFAR ResNet of He et al. 2016 with ELU instead of ReLU. A 3x3
 * convolution to {@code widths[0]} channels with batch norm and activation, then one stage per width of
 * {@link BasicBlock}s, the first block of every stage after the first striding by 2, then global average pooling.
 * ResNet-20 at the paper's widths {@code [16, 48, 256]}: 3 stages of 3 blocks.
 *
 * <p>Input {@code [N, C, H, W]} (any side: the pooling adapts, so 28x28 and 16x16 images run unchanged), output
 * the pooled features {@code [N, widths[last]]}.
 */
public final class ResNetBackbone extends AbstractBlock {
    private final UrlSomConfig.Activation activation;
    private final Conv2d stemConv;
    private final BatchNorm stemBn;
    private final List<List<BasicBlock>> stages = new ArrayList<>();
    private final int featureDim;
    /** Whether the backbone runs channels-last ({@link #CHANNELS_LAST_MIN_WIDTH}). */
    private final boolean channelsLast;

    /**
     * The narrowest stage that runs channels-last. Why a floor: oneDNN's AVX2 kernels block channels by 8, and on a
     * 4/8/8-wide test network its channels-last 1x1 backward-weights kernel ran for minutes on a 32-image batch
     * (the learner of UrlSomPipelineTest never finished its first step); every shipped config is 16 or more wide,
     * where channels-last is the faster layout (README, Speed). Narrow networks keep NCHW.
     */
    static final int CHANNELS_LAST_MIN_WIDTH = 16;

    /**
     * @param inChannels channels of the input images
     * @param backbone depth, widths and activation
     */
    public ResNetBackbone(int inChannels, UrlSomConfig.Backbone backbone) {
        this.activation = backbone.activation();
        List<Integer> widths = backbone.widths();
        this.stemConv = addChildBlock("stem_conv", UrlSomLayers.conv(widths.get(0), 3, 1));
        this.stemBn = addChildBlock("stem_bn", UrlSomLayers.batchNorm());
        int in = widths.get(0);
        for (int s = 0; s < widths.size(); s++) {
            List<BasicBlock> blocks = new ArrayList<>();
            for (int b = 0; b < backbone.blocksPerStage(); b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                blocks.add(addChildBlock("stage" + (s + 1) + "_block" + b,
                        new BasicBlock(in, widths.get(s), stride, activation)));
                in = widths.get(s);
            }
            stages.add(blocks);
        }
        this.featureDim = in;
        this.channelsLast = widths.stream().allMatch(w -> w >= CHANNELS_LAST_MIN_WIDTH);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // Stem: conv-BN-act at full resolution, on the images laid out channels-last (UrlSomLayers.channelsLast)
        // unless the network is too narrow for it.
        NDArray images = inputs.singletonOrThrow();
        if (channelsLast) {
            images = UrlSomLayers.channelsLast(images);
        }
        NDArray x = UrlSomLayers.activate(activation, UrlSomLayers.convBn(ps, stemConv, stemBn, images, training));
        // Stages of basic blocks, halving the resolution at each new stage.
        for (List<BasicBlock> stage : stages) {
            for (BasicBlock block : stage) {
                x = block.forward(ps, new NDList(x), training).singletonOrThrow();
            }
        }
        // Global average pooling over the remaining H x W: [N, C]. Sum then divide, as torch.mean does on the CPU;
        // a reshape to [N, C, H * W] would copy the channels-last activations.
        Shape shape = x.getShape();
        return new NDList(x.sum(new int[] {2, 3}).div(shape.get(2) * shape.get(3)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), featureDim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        stemConv.initialize(manager, dataType, inputShapes);
        Shape[] shapes = stemConv.getOutputShapes(inputShapes);
        stemBn.initialize(manager, dataType, shapes);
        for (List<BasicBlock> stage : stages) {
            for (BasicBlock block : stage) {
                block.initialize(manager, dataType, shapes);
                shapes = block.getOutputShapes(shapes);
            }
        }
    }

    /** Width of the pooled features. */
    public int featureDim() {
        return featureDim;
    }

    /**
     * Adds every parameter as {@code prefix.stem.conv.weight}, {@code prefix.stem.bn.gamma},
     * {@code prefix.stage1.block0.conv1.weight}, {@code prefix.stage2.block0.shortcut.bn.running_mean}, ...
     */
    public void collectParameters(String prefix, Map<String, Parameter> out) {
        UrlSomLayers.collect(stemConv, prefix + ".stem.conv", out);
        UrlSomLayers.collect(stemBn, prefix + ".stem.bn", out);
        for (int s = 0; s < stages.size(); s++) {
            for (int b = 0; b < stages.get(s).size(); b++) {
                stages.get(s).get(b).collectParameters(prefix + ".stage" + (s + 1) + ".block" + b, out);
            }
        }
    }
}
