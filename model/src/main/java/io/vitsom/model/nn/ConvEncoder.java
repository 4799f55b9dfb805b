package io.vitsom.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A plain convolutional image encoder: for each width a {@code Conv2d} with kernel 4, stride 2, padding 1 (it halves
 * the side exactly) followed by ReLU. Input {@code [N, inChannels, S, S]}, output the feature map
 * {@code [N, widths[last], S / 2^k, S / 2^k]} for {@code k = widths.length} stages (28 -> 14 -> 7 with two stages,
 * 32 -> 16 -> 8).
 *
 * <p>ReLU rather than LeakyReLU: it is what the small DCGAN-style autoencoders this mirrors (Gen-SOM-Attn, its VAE
 * baseline) use, and nothing downstream needs negative activations (the next stage is a convolution or an
 * attention block that re-projects them). Weights and biases start as PyTorch's {@code nn.Conv2d} defaults,
 * {@code U(-1/sqrt(fan_in), 1/sqrt(fan_in))} with {@code fan_in = in * 4 * 4}, so a PyTorch port starts alike.
 * Parameters are named {@code conv<i>.weight}, {@code conv<i>.bias} ({@link #collectParameters}).
 */
public final class ConvEncoder extends AbstractBlock {
    /** Kernel side of every stage. */
    static final int KERNEL = 4;

    private final int inChannels;
    private final int[] widths;
    private final List<Conv2d> convs = new ArrayList<>();

    /**
     * @param inChannels channels of the input images (1 or 3 here, any positive count works)
     * @param widths output channels of each stage, at least one, all positive
     */
    public ConvEncoder(int inChannels, int[] widths) {
        if (inChannels <= 0) {
            throw new IllegalArgumentException("inChannels must be positive, got " + inChannels);
        }
        this.inChannels = inChannels;
        this.widths = requireWidths(widths);
        int in = inChannels;
        for (int i = 0; i < this.widths.length; i++) {
            int out = this.widths[i];
            Conv2d conv = Conv2d.builder().setKernelShape(new Shape(KERNEL, KERNEL)).setFilters(out)
                    .optStride(new Shape(2, 2)).optPadding(new Shape(1, 1)).optBias(true).build();
            // PyTorch's default: kaiming_uniform(a = sqrt(5)) is U(+-1/sqrt(fan_in)), the bias the same bound.
            conv.setInitializer(Initializers.defaultBias((long) in * KERNEL * KERNEL), Parameter.Type.WEIGHT);
            conv.setInitializer(Initializers.defaultBias((long) in * KERNEL * KERNEL), Parameter.Type.BIAS);
            convs.add(addChildBlock("conv" + i, conv));
            in = out;
        }
    }

    /**
     * Side of the feature map after {@code stages} halving stages of an input of side {@code inputSide}.
     *
     * @throws IllegalArgumentException when {@code inputSide} is not a positive multiple of {@code 2^stages}
     */
    public static int outSide(int inputSide, int stages) {
        if (stages < 0 || stages > 30) {
            throw new IllegalArgumentException("stages must be in [0, 30], got " + stages);
        }
        int factor = 1 << stages;
        if (inputSide <= 0 || inputSide % factor != 0) {
            throw new IllegalArgumentException("input side " + inputSide + " must be a positive multiple of 2^"
                    + stages + " = " + factor);
        }
        return inputSide / factor;
    }

    /** Channels of the output feature map: the last width. */
    public int outChannels() {
        return widths[widths.length - 1];
    }

    /** Channels of the input images. */
    public int inChannels() {
        return inChannels;
    }

    /** Number of halving stages. */
    public int stages() {
        return widths.length;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        requireInput(x.getShape());
        for (Conv2d conv : convs) {
            // Strided conv halves the side, ReLU.
            x = Activation.relu(conv.forward(ps, new NDList(x), training).singletonOrThrow());
        }
        return new NDList(x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        requireInput(in);
        int side = outSide(Math.toIntExact(in.get(2)), widths.length);
        return new Shape[] {new Shape(in.get(0), outChannels(), side, side)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (Conv2d conv : convs) {
            conv.initialize(manager, dataType, shapes);
            shapes = conv.getOutputShapes(shapes);
        }
    }

    /** Initialises every parameter on {@code manager} for images of side {@code inputSide}; seed the engine first. */
    public void initialize(NDManager manager, int inputSide) {
        initialize(manager, DataType.FLOAT32, new Shape(1, inChannels, inputSide, inputSide));
    }

    /** Adds {@code prefix.conv<i>.weight} ({@code [out, in, 4, 4]}) and {@code prefix.conv<i>.bias} for each stage. */
    public void collectParameters(String prefix, Map<String, Parameter> out) {
        for (int i = 0; i < convs.size(); i++) {
            Layers.collect(convs.get(i), prefix + ".conv" + i, out);
        }
    }

    private void requireInput(Shape shape) {
        if (shape.dimension() != 4 || shape.get(1) != inChannels || shape.get(2) != shape.get(3)) {
            throw new IllegalArgumentException("expected square images [N, " + inChannels + ", S, S], got " + shape);
        }
        outSide(Math.toIntExact(shape.get(2)), widths.length);
    }

    /** A validated copy of {@code widths} (shared with {@link ConvDecoder}). */
    static int[] requireWidths(int[] widths) {
        if (widths == null || widths.length == 0) {
            throw new IllegalArgumentException("widths must name at least one stage");
        }
        for (int w : widths) {
            if (w <= 0) {
                throw new IllegalArgumentException("widths must be positive, got " + java.util.Arrays.toString(widths));
            }
        }
        return widths.clone();
    }
}
