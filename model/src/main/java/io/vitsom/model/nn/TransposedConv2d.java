package io.vitsom.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * PyTorch's {@code nn.ConvTranspose2d(in, out, 4, stride=2, padding=1)}: input {@code [N, in, H, W]}, output
 * {@code [N, out, 2H, 2W]}, weight {@code [in, out, 4, 4]} and bias {@code [out]}, both
 * {@code U(-1/sqrt(out * 16), 1/sqrt(out * 16))} as PyTorch initialises them.
 *
 * <p>Why not DJL's {@code Conv2dTranspose}: the PyTorch engine of DJL 0.36 does not implement deconvolution
 * ("Not implemented"). The op runs as {@code torch.conv_transpose2d} in a one-line TorchScript module (built as
 * {@link TorchScriptKernels} builds its own), which autograd records through in training like any other op.
 */
final class TransposedConv2d extends AbstractBlock {
    private static final int KERNEL = 4;

    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;
    /** {@code torch.conv_transpose2d} with stride 2 and padding 1, loaded at initialisation. */
    private PtSymbolBlock kernel;

    /**
     * @param in input channels
     * @param out output channels
     */
    TransposedConv2d(int in, int out) {
        this.in = in;
        this.out = out;
        long fanIn = (long) out * KERNEL * KERNEL;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(in, out, KERNEL, KERNEL)).optInitializer(Initializers.defaultBias(fanIn)).build());
        this.bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(out)).optInitializer(Initializers.defaultBias(fanIn)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (x.getShape().dimension() != 4 || x.getShape().get(1) != in) {
            throw new IllegalArgumentException("expected [N, " + in + ", H, W], got " + x.getShape());
        }
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        return kernel.forward(ps, new NDList(x, w, b), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), out, 2 * s.get(2), 2 * s.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (kernel == null) {
            kernel = load(manager);
        }
    }

    /** The weight {@code [in, out, 4, 4]}. */
    Parameter weight() {
        return weight;
    }

    /** The bias {@code [out]}. */
    Parameter bias() {
        return bias;
    }

    private static PtSymbolBlock load(NDManager manager) {
        try {
            Path file = Files.createTempFile("vitsom-convtranspose2d-", ".pt");
            try {
                TorchScriptKernels.writeArchive(file, "ConvTranspose2d", """
                          def forward(self: __torch__.ConvTranspose2d,
                            x: Tensor,
                            w: Tensor,
                            b: Tensor) -> Tensor:
                            return torch.conv_transpose2d(x, w, b, [2, 2], [1, 1])
                        """);
                return JniUtils.loadModule((PtNDManager) manager, file, false, new String[0], new String[0], false);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TorchScript module ConvTranspose2d", e);
        }
    }
}
