package io.vitsom.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.util.Map;
import java.util.Optional;

/** Factories for the DJL layers the components are made of, with the reference's initialisation. */
final class Layers {
    /** LayerNorm epsilon of every norm layer in the reference ({@code partial(nn.LayerNorm, eps=1e-6)}). */
    static final float LAYER_NORM_EPS = 1e-6f;

    private Layers() {
    }

    /** {@code nn.Linear(in, units)} with xavier-uniform weight and zero bias. */
    static Linear linear(long units) {
        Linear linear = Linear.builder().setUnits(units).optBias(true).build();
        linear.setInitializer(Initializers.xavierUniform(), Parameter.Type.WEIGHT);
        linear.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        return linear;
    }

    /**
     * Whether a forward pass may take the inference-only kernels of {@link NativeKernels}: not training, and
     * autograd not recording (they have no backward).
     */
    static boolean inferenceOnly(boolean training) {
        return !training && !JniUtils.isGradMode();
    }

    /** {@code norm(x)}; in {@link NativeKernels} during inference when it runs this width. */
    static NDArray normalize(ParameterStore ps, LayerNorm norm, NDArray x, boolean training) {
        if (inferenceOnly(training)) {
            Parameter gamma = norm.getParameters().get("gamma");
            Parameter beta = norm.getParameters().get("beta");
            Optional<NDArray> y = NativeKernels.layerNorm(x, ps.getValue(gamma, x.getDevice(), false),
                    ps.getValue(beta, x.getDevice(), false), LAYER_NORM_EPS);
            if (y.isPresent()) {
                return y.get();
            }
        }
        return norm.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    /**
     * {@code nn.LayerNorm(dim, eps=1e-6)}: weight 1, bias 0. Axis 1 of the {@code [1, dim]} shape it is
     * initialised with, i.e. the last axis; DJL then normalises the trailing {@code dim} values of any input.
     */
    static LayerNorm layerNorm() {
        LayerNorm norm = LayerNorm.builder().axis(1).optEpsilon(LAYER_NORM_EPS).build();
        norm.setInitializer(Initializer.ONES, Parameter.Type.GAMMA);
        norm.setInitializer(Initializer.ZEROS, Parameter.Type.BETA);
        return norm;
    }

    /** Initialises a child that works on the last axis of a {@code [*, inDim]} input. */
    static void initialize(Block child, NDManager manager, DataType dataType, long inDim) {
        child.initialize(manager, dataType, new Shape(1, inDim));
    }

    /**
     * Adds the parameters of a DJL Linear, LayerNorm or Conv2d under PyTorch's names:
     * {@code prefix.weight} and {@code prefix.bias} (LayerNorm's gamma/beta included).
     */
    static void collect(Block block, String prefix, Map<String, Parameter> out) {
        for (var pair : block.getParameters()) {
            String name = switch (pair.getValue().getType()) {
                case WEIGHT, GAMMA -> "weight";
                case BIAS, BETA -> "bias";
                default -> throw new IllegalStateException("unexpected parameter " + pair.getKey() + " in " + prefix);
            };
            out.put(prefix + "." + name, pair.getValue());
        }
    }
}
