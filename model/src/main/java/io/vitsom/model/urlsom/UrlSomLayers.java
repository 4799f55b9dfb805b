package io.vitsom.model.urlsom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.util.EnumMap;
import java.util.Map;

/** Factories for the DJL layers URL-SOM's blocks are made of, with their initialisation and checkpoint names. */
final class UrlSomLayers {
    /** Batch norm's epsilon (PyTorch's default). */
    static final float BN_EPSILON = 1e-5f;

    private UrlSomLayers() {
    }

    /**
     * A bias-free {@code k x k} convolution to {@code filters} channels with stride {@code stride} and padding
     * {@code k / 2}, He-initialised: {@code N(0, 2 / fan_in)} with {@code fan_in = in * k * k}
     * ({@code torch.nn.init.kaiming_normal_(mode='fan_in')}, Keras's {@code he_normal} without truncation).
     */
    static Conv2d conv(int filters, int kernel, int stride) {
        Conv2d conv = Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).setFilters(filters)
                .optStride(new Shape(stride, stride)).optPadding(new Shape(kernel / 2, kernel / 2)).optBias(false)
                .build();
        conv.setInitializer(kaimingNormal(), Parameter.Type.WEIGHT);
        return conv;
    }

    /** {@code N(0, sqrt(2 / fan_in))} over a weight {@code [out, in, k, k]}. */
    static Initializer kaimingNormal() {
        return (manager, shape, dataType) -> {
            long fanIn = shape.size() / shape.get(0);
            return manager.randomNormal(0f, (float) Math.sqrt(2.0 / fanIn), shape, dataType);
        };
    }

    /**
     * Batch normalisation over the channels of {@code [N, C, H, W]} with PyTorch's defaults: epsilon 1e-5, running
     * statistics updated as {@code 0.9 old + 0.1 batch} in training mode (DJL's momentum 0.9); weight 1, bias 0,
     * running mean 0, running variance 1.
     */
    static BatchNorm batchNorm() {
        BatchNorm norm = BatchNorm.builder().optAxis(1).optEpsilon(BN_EPSILON).optMomentum(0.9f).build();
        norm.setInitializer(Initializer.ONES, Parameter.Type.GAMMA);
        norm.setInitializer(Initializer.ZEROS, Parameter.Type.BETA);
        norm.setInitializer(Initializer.ZEROS, Parameter.Type.RUNNING_MEAN);
        norm.setInitializer(Initializer.ONES, Parameter.Type.RUNNING_VAR);
        return norm;
    }

    /**
     * {@code bn(conv(x))}. In training the batch norm normalises with the batch's statistics, as a separate layer.
     * In inference its affine map on the running statistics, {@code x * a + (beta - mean * a)} per channel with
     * {@code a = gamma / sqrt(running_var + eps)}, is folded into the convolution: weights scaled by {@code a} per
     * output channel, {@code beta - mean * a} as the bias. Why: one pass over the activations fewer per layer (21
     * batch norms were ~7% of a CIFAR-10 inference pass); the result differs from the two layers only in float
     * rounding.
     */
    static NDArray convBn(ParameterStore ps, Conv2d conv, BatchNorm bn, NDArray x, boolean training) {
        if (training) {
            NDArray y = conv.forward(ps, new NDList(x), training).singletonOrThrow();
            return bn.forward(ps, new NDList(y), training).singletonOrThrow();
        }
        Map<Parameter.Type, NDArray> norm = new EnumMap<>(Parameter.Type.class);
        for (var pair : bn.getParameters()) {
            norm.put(pair.getValue().getType(), ps.getValue(pair.getValue(), x.getDevice(), false));
        }
        NDArray weight = ps.getValue(conv.getParameters().get("weight"), x.getDevice(), false);
        NDArray scale = norm.get(Parameter.Type.GAMMA).div(norm.get(Parameter.Type.RUNNING_VAR).add(BN_EPSILON).sqrt());
        NDArray bias = norm.get(Parameter.Type.BETA).sub(norm.get(Parameter.Type.RUNNING_MEAN).mul(scale));
        NDArray scaled = weight.mul(scale.reshape(scale.getShape().get(0), 1, 1, 1));
        return Conv2d.conv2d(x, scaled, bias, conv.getStride(), conv.getPadding(), conv.getDilation(), conv.getGroups())
                .singletonOrThrow();
    }

    /**
     * {@code x} {@code [N, C, H, W]} with its values stored channels-last (NHWC in memory, PyTorch's
     * {@code torch.channels_last}): the same logical tensor. Why: libtorch hands a channels-last convolution to
     * oneDNN as is, while an NCHW one is reordered into oneDNN's blocked layout and its output back, around every
     * convolution of the forward and the backward pass (~17% of a CIFAR-10 inference pass went to those reorders),
     * and oneDNN's channels-last kernels were faster here besides: a CIFAR-10 inference pass and a training step
     * each took ~0.8 of their NCHW CPU time (A/B in one process). Convolutions given a channels-last input return
     * channels-last outputs (and gradients), and batch norm, the activations and the additions keep the layout, so
     * converting the images once puts the whole backbone on it. The price is float32 summation order: gradients
     * differ from the NCHW path's by ~2e-5 relative, as PyTorch's own NCHW and channels-last gradients of this
     * network do (both ~1e-5 from float64). A tensor already channels-last passes through as views; otherwise this
     * copies it once.
     */
    static NDArray channelsLast(NDArray x) {
        Shape shape = x.getShape();
        // The NHWC view made contiguous (a flat reshape copies a non-contiguous view), seen as NCHW again.
        return x.transpose(0, 2, 3, 1).reshape(-1).reshape(shape.get(0), shape.get(2), shape.get(3), shape.get(1))
                .transpose(0, 3, 1, 2);
    }

    /** The activation {@code a} on {@code x} (ELU with alpha 1, or ReLU). */
    static NDArray activate(UrlSomConfig.Activation a, NDArray x) {
        return switch (a) {
            case ELU -> ai.djl.nn.Activation.elu(x, 1f);
            case RELU -> ai.djl.nn.Activation.relu(x);
        };
    }

    /**
     * Adds the parameters of a DJL Conv2d, Linear or BatchNorm under stable names: {@code prefix.weight},
     * {@code prefix.bias}; a batch norm's {@code prefix.gamma}, {@code prefix.beta}, {@code prefix.running_mean},
     * {@code prefix.running_var} (the running statistics are not trained but a checkpoint must keep them).
     */
    static void collect(Block block, String prefix, Map<String, Parameter> out) {
        for (var pair : block.getParameters()) {
            String name = switch (pair.getValue().getType()) {
                case WEIGHT -> "weight";
                case BIAS -> "bias";
                case GAMMA -> "gamma";
                case BETA -> "beta";
                case RUNNING_MEAN -> "running_mean";
                case RUNNING_VAR -> "running_var";
                default -> throw new IllegalStateException("unexpected parameter " + pair.getKey() + " in " + prefix);
            };
            out.put(prefix + "." + name, pair.getValue());
        }
    }
}
