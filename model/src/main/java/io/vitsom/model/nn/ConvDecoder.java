package io.vitsom.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A convolutional image decoder, the mirror of {@link ConvEncoder}: a {@code Linear} from the latent to
 * {@code widths[0] * s * s} with {@code s = outSide / 2^widths.length}, ReLU, reshape to {@code [N, widths[0], s, s]},
 * then one {@code ConvTranspose2d} (kernel 4, stride 2, padding 1: it doubles the side exactly; {@link TransposedConv2d})
 * per width, to the
 * next width with ReLU and the last one to {@code outChannels}, then a sigmoid: images
 * {@code [N, outChannels, outSide, outSide]} in (0, 1). {@code widths} are in decoder order ({@code [64, 32]}
 * mirrors an encoder of {@code [32, 64]}).
 *
 * <p>The ReLU after the Linear makes the first feature map look like the encoder's last (ReLU) output. Weights and
 * biases start as PyTorch's defaults, {@code U(-1/sqrt(fan_in), 1/sqrt(fan_in))}, where {@code nn.ConvTranspose2d}
 * counts {@code fan_in} as {@code out * 4 * 4} (its weight is {@code [in, out, 4, 4]}). Parameters are named
 * {@code linear.weight}, {@code linear.bias}, {@code deconv<i>.weight}, {@code deconv<i>.bias}
 * ({@link #collectParameters}).
 */
public final class ConvDecoder extends AbstractBlock {
    private final int latentDim;
    private final int[] widths;
    private final int outChannels;
    private final int outSide;
    private final int startSide;
    private final Linear linear;
    private final List<TransposedConv2d> deconvs = new ArrayList<>();
    private final boolean sigmoid;

    /**
     * @param latentDim width of the latent vectors
     * @param widths channels of the feature maps, in decoder order (the first is the Linear's reshaped output)
     * @param outChannels channels of the output images
     * @param outSide side of the output images: a multiple of {@code 2^widths.length}
     */
    public ConvDecoder(int latentDim, int[] widths, int outChannels, int outSide) {
        this(latentDim, widths, outChannels, outSide, true);
    }

    /**
     * A decoder whose last stage ends in a sigmoid (pixels in (0, 1)) or, with {@code sigmoid} false, gives the
     * pixels' logits: a loss on the logits (binary cross-entropy) keeps its gradient where a sigmoid has saturated.
     */
    public ConvDecoder(int latentDim, int[] widths, int outChannels, int outSide, boolean sigmoid) {
        if (latentDim <= 0 || outChannels <= 0) {
            throw new IllegalArgumentException("latentDim and outChannels must be positive, got " + latentDim + " and "
                    + outChannels);
        }
        this.latentDim = latentDim;
        this.widths = ConvEncoder.requireWidths(widths);
        this.outChannels = outChannels;
        this.outSide = outSide;
        this.sigmoid = sigmoid;
        this.startSide = ConvEncoder.outSide(outSide, this.widths.length);
        long linearUnits = (long) this.widths[0] * startSide * startSide;
        Linear lin = Linear.builder().setUnits(linearUnits).optBias(true).build();
        lin.setInitializer(Initializers.defaultBias(latentDim), Parameter.Type.WEIGHT);
        lin.setInitializer(Initializers.defaultBias(latentDim), Parameter.Type.BIAS);
        this.linear = addChildBlock("linear", lin);
        for (int i = 0; i < this.widths.length; i++) {
            int out = i + 1 < this.widths.length ? this.widths[i + 1] : outChannels;
            deconvs.add(addChildBlock("deconv" + i, new TransposedConv2d(this.widths[i], out)));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray z = inputs.singletonOrThrow();
        requireInput(z.getShape());
        long n = z.getShape().get(0);
        // Linear + ReLU, reshaped to the first feature map [N, widths[0], s, s].
        NDArray x = Activation.relu(linear.forward(ps, new NDList(z), training).singletonOrThrow())
                .reshape(n, widths[0], startSide, startSide);
        for (int i = 0; i < deconvs.size(); i++) {
            // Transposed conv doubles the side; ReLU between stages, sigmoid to pixels after the last (unless logits).
            x = deconvs.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
            if (i + 1 < deconvs.size()) {
                x = Activation.relu(x);
            } else if (sigmoid) {
                x = Activation.sigmoid(x);
            }
        }
        return new NDList(x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        requireInput(inputShapes[0]);
        return new Shape[] {new Shape(inputShapes[0].get(0), outChannels, outSide, outSide)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        linear.initialize(manager, dataType, new Shape(1, latentDim));
        Shape[] shapes = {new Shape(1, widths[0], startSide, startSide)};
        for (TransposedConv2d deconv : deconvs) {
            deconv.initialize(manager, dataType, shapes);
            shapes = deconv.getOutputShapes(shapes);
        }
    }

    /** Initialises every parameter on {@code manager} (for latents {@code [*, latentDim]}). */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, latentDim));
    }

    /** Adds {@code prefix.linear.*} and {@code prefix.deconv<i>.*} (weight {@code [in, out, 4, 4]}, bias). */
    public void collectParameters(String prefix, Map<String, Parameter> out) {
        Layers.collect(linear, prefix + ".linear", out);
        for (int i = 0; i < deconvs.size(); i++) {
            Layers.collect(deconvs.get(i), prefix + ".deconv" + i, out);
        }
    }

    /** Width of the latent vectors it decodes. */
    public int latentDim() {
        return latentDim;
    }

    /** Channels of the output images. */
    public int outChannels() {
        return outChannels;
    }

    /** Side of the output images. */
    public int outSide() {
        return outSide;
    }

    private void requireInput(Shape shape) {
        if (shape.dimension() != 2 || shape.get(1) != latentDim) {
            throw new IllegalArgumentException("expected latents [N, " + latentDim + "], got " + shape);
        }
    }
}
