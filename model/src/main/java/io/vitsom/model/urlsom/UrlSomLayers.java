package io.vitsom.model.urlsom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.initializer.Initializer;
import java.util.Map;

/** Factories for the DJL layers URL-SOM's blocks are made of, with their initialisation and checkpoint names. */
final class UrlSomLayers {
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
        BatchNorm norm = BatchNorm.builder().optAxis(1).optEpsilon(1e-5f).optMomentum(0.9f).build();
        norm.setInitializer(Initializer.ONES, Parameter.Type.GAMMA);
        norm.setInitializer(Initializer.ZEROS, Parameter.Type.BETA);
        norm.setInitializer(Initializer.ZEROS, Parameter.Type.RUNNING_MEAN);
        norm.setInitializer(Initializer.ONES, Parameter.Type.RUNNING_VAR);
        return norm;
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
