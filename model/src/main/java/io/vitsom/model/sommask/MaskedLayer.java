package io.vitsom.model.sommask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.vitsom.model.sommask.NetworkPlan.Gate;
import io.vitsom.model.sommask.SomMaskConfig.Activation;
import io.vitsom.model.sommask.SomMaskConfig.MaskPosition;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One hidden layer (fully connected, or a same-padded convolution) whose output a gate multiplies: a SOM's
 * neighbourhood mask, dropout, or nothing. Input {@code (x, image)}: the layer's input and the network's input image
 * {@code [N, C, H, W]}; output {@code (y, active)}: the activated output and, per image, how many neurons (channels
 * for a conv layer, averaged over positions for conv_som) the gate let through (non-zero mask).
 *
 * <p>What the SOM reads depends on the {@link SomInput}: the layer's own input (fc), the whole image (cnn), or the
 * gray {@code p x p} patch around each output position (conv_som: one winner, so one channel mask, per position).
 * In training mode the SOM takes one competitive step on the batch after its winners gave the mask, as batch norm
 * updates its statistics in its training forward; its input is cut from the graph, so no gradient reaches it.
 */
final class MaskedLayer extends AbstractBlock {
    /** What the SOM of a layer reads. */
    sealed interface SomInput permits LayerInput, WholeImage, GrayPatches {
    }

    /** The layer's input, flattened. */
    record LayerInput() implements SomInput {
    }

    /** The network's input image, flattened. */
    record WholeImage() implements SomInput {
    }

    /**
     * The {@code size x size} patches of the gray image average-pooled by {@code factor} to the layer's resolution.
     */
    record GrayPatches(int size, int factor) implements SomInput {
    }

    private final Block core;
    private final boolean convolutional;
    private final int width;
    private final Gate gate;
    private final SomInput somInput;
    private final Activation activation;
    private final MaskPosition position;
    private final long seed;
    private final SplittableRandom dropoutRandom;
    private CompetitiveSom som;
    private NDArray forwardTable;
    private NDArray patchKernel;

    /**
     * @param width output neurons or channels
     * @param convKernel 0 for a fully connected layer, else the kernel side of a same-padded convolution
     * @param gate what multiplies the output
     * @param somInput what the SOM reads (ignored without a SOM gate)
     * @param seed the SOM's initialisation and the dropout's draws
     */
    MaskedLayer(int width, int convKernel, Gate gate, SomInput somInput, Activation activation, MaskPosition position,
                long seed) {
        this.width = width;
        this.convolutional = convKernel > 0;
        this.gate = Objects.requireNonNull(gate, "gate");
        this.somInput = Objects.requireNonNull(somInput, "somInput");
        this.activation = Objects.requireNonNull(activation, "activation");
        this.position = Objects.requireNonNull(position, "position");
        this.seed = seed;
        this.dropoutRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
        Block layer = convolutional
                ? Conv2d.builder().setKernelShape(new Shape(convKernel, convKernel)).setFilters(width)
                        .optPadding(new Shape(convKernel / 2, convKernel / 2)).optBias(true).build()
                : Linear.builder().setUnits(width).optBias(true).build();
        layer.setInitializer(fanInUniform(), Parameter.Type.WEIGHT);
        layer.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        this.core = addChildBlock(convolutional ? "conv" : "linear", layer);
    }

    /** PyTorch's default weight range for Linear and Conv2d: {@code U(-1/sqrt(fan_in), 1/sqrt(fan_in))}. */
    private static Initializer fanInUniform() {
        return (manager, shape, dataType) -> {
            float bound = (float) (1 / Math.sqrt((double) shape.size() / shape.get(0)));
            return manager.randomUniform(-bound, bound, shape, dataType);
        };
    }

    /** The layer's SOM, or null without a SOM gate. */
    CompetitiveSom som() {
        return som;
    }

    /** Output neurons or channels. */
    int width() {
        return width;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.get(0);
        NDArray image = inputs.get(1);
        NDArray z = core.forward(ps, new NDList(x), training).singletonOrThrow();
        long n = z.getShape().get(0);
        NDArray mask = null;
        if (gate instanceof NetworkPlan.Dropout d && training) {
            mask = dropoutMask(z, d.keepRatio());
        } else if (gate instanceof NetworkPlan.Som) {
            mask = somMask(x, image, z, training);
        }
        NDArray y;
        if (mask == null) {
            y = activate(z);
        } else if (position == MaskPosition.BEFORE_ACTIVATION) {
            y = activate(z.mul(mask));
        } else {
            y = activate(z).mul(mask);
        }
        NDArray active = gate instanceof NetworkPlan.Som && mask != null ? activeCount(mask)
                : z.getManager().full(new Shape(n), (float) width);
        return new NDList(y, active);
    }

    private NDArray activate(NDArray z) {
        return switch (activation) {
            case RELU -> ai.djl.nn.Activation.relu(z);
            case TANH -> ai.djl.nn.Activation.tanh(z);
        };
    }

    /** Inverted dropout of neurons (whole channels for conv layers): kept ones scaled by {@code 1 / keep}. */
    private NDArray dropoutMask(NDArray z, double keep) {
        int n = Math.toIntExact(z.getShape().get(0));
        float[] m = new float[n * width];
        for (int i = 0; i < m.length; i++) {
            m[i] = dropoutRandom.nextDouble() < keep ? (float) (1 / keep) : 0f;
        }
        Shape shape = convolutional ? new Shape(n, width, 1, 1) : new Shape(n, width);
        return z.getManager().create(m, shape).toDevice(z.getDevice(), false);
    }

    /** The SOM's mask for this batch (broadcastable to {@code z}); in training, then one SOM step. */
    private NDArray somMask(NDArray x, NDArray image, NDArray z, boolean training) {
        long n = z.getShape().get(0);
        NDArray input;
        if (somInput instanceof GrayPatches g) {
            input = grayPatches(image, g);
        } else {
            input = (somInput instanceof WholeImage ? image : x).reshape(n, -1);
        }
        input = input.stopGradient();
        if (training) {
            som.initializeFrom(input);
        }
        NDArray winners = som.winners(input);
        NDArray rows = winners.oneHot(width).toType(DataType.FLOAT32, false).matMul(forwardTable);
        if (training) {
            som.update(input, winners);
        }
        if (!convolutional) {
            return rows;
        }
        if (somInput instanceof GrayPatches) {
            // rows: [N * H' * W', C] in (image, y, x) order -> [N, C, H', W'].
            Shape s = z.getShape();
            return rows.reshape(n, s.get(2), s.get(3), width).transpose(0, 3, 1, 2);
        }
        return rows.reshape(n, width, 1, 1);
    }

    /** {@code [N * H' * W', size^2]}: the gray image at the layer's resolution, one patch per position. */
    private NDArray grayPatches(NDArray image, GrayPatches g) {
        NDArray gray = image.mean(new int[] {1}, true);
        if (g.factor() > 1) {
            gray = Pool.avgPool2d(gray, new Shape(g.factor(), g.factor()), new Shape(g.factor(), g.factor()),
                    new Shape(0, 0), false, true);
        }
        // A convolution with one-hot kernels copies each patch's pixels into channels.
        int pad = g.size() / 2;
        NDArray patches = Conv2d.conv2d(gray, patchKernel, null, new Shape(1, 1), new Shape(pad, pad),
                new Shape(1, 1), 1).singletonOrThrow();
        return patches.transpose(0, 2, 3, 1).reshape(-1, (long) g.size() * g.size());
    }

    /** Per image: non-zero mask entries per neuron position ([N, C] or [N, C, 1, 1]), or per pixel for conv_som. */
    private NDArray activeCount(NDArray mask) {
        NDArray nonZero = mask.gt(0).toType(DataType.FLOAT32, false);
        Shape s = mask.getShape();
        long n = s.get(0);
        NDArray perImage = nonZero.reshape(n, -1).sum(new int[] {1});
        long positions = s.dimension() == 4 ? s.get(2) * s.get(3) : 1;
        return positions == 1 ? perImage : perImage.div(positions);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape out = core.getOutputShapes(new Shape[] {inputShapes[0]})[0];
        return new Shape[] {out, new Shape(out.get(0))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        core.initialize(manager, dataType, inputShapes[0]);
        if (!(gate instanceof NetworkPlan.Som s)) {
            return;
        }
        Shape image = inputShapes[1];
        int dim;
        if (somInput instanceof GrayPatches g) {
            dim = g.size() * g.size();
        } else {
            Shape read = somInput instanceof WholeImage ? image : inputShapes[0];
            dim = Math.toIntExact(read.size() / read.get(0));
        }
        var grid = NeighbourhoodMask.gridFor(width);
        som = new CompetitiveSom(grid, dim, s.organizeSigma(), s.learningRate(), seed, manager);
        forwardTable = manager.create(NeighbourhoodMask.table(grid, s.forwardSigma(), s.keep()),
                new Shape(width, width));
        NDScope.unregister(forwardTable);
        if (somInput instanceof GrayPatches g) {
            int k = g.size() * g.size();
            float[] eye = new float[k * k];
            for (int i = 0; i < k; i++) {
                eye[i * k + i] = 1f;
            }
            patchKernel = manager.create(eye, new Shape(k, 1, g.size(), g.size()));
            NDScope.unregister(patchKernel);
        }
    }

    /** Frees the SOM and the gate's tables (the parameters belong to the model's manager). */
    void release() {
        if (som != null) {
            som.close();
        }
        if (forwardTable != null) {
            forwardTable.close();
        }
        if (patchKernel != null) {
            patchKernel.close();
        }
    }
}
