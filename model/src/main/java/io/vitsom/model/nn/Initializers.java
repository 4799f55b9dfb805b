package io.vitsom.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * The reference's initialisations, written out so that their PyTorch formulas are visible.
 * All draws come from the engine's RNG, seeded once per model with {@code Engine.setRandomSeed}.
 */
public final class Initializers {
    private Initializers() {
    }

    /**
     * {@code torch.nn.init.xavier_uniform_} on the weight viewed as {@code [shape[0], prod(rest)]}:
     * bound {@code sqrt(6 / (fan_in + fan_out))}. For a conv weight this is the MAE "init like a Linear".
     */
    public static Initializer xavierUniform() {
        return (manager, shape, dataType) -> {
            long fanOut = shape.get(0);
            long fanIn = shape.size() / fanOut;
            float bound = (float) Math.sqrt(6.0 / (fanIn + fanOut));
            return manager.randomUniform(-bound, bound, shape, dataType);
        };
    }

    /** {@code torch.nn.init.normal_(std=...)} with mean 0. */
    public static Initializer normal(double std) {
        return (manager, shape, dataType) -> manager.randomNormal(0f, (float) std, shape, dataType);
    }

    /**
     * PyTorch's default bias init of a layer with {@code fanIn} inputs: {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}.
     * The reference keeps it for the patch-embedding conv bias (its init hook only touches Linear and LayerNorm).
     */
    public static Initializer defaultBias(long fanIn) {
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        return (manager, shape, dataType) -> manager.randomUniform(-bound, bound, shape, dataType);
    }

    /** A fixed table (position embeddings), copied into a new array of the requested shape. */
    public static Initializer constant(float[] values) {
        return (NDManager manager, Shape shape, DataType dataType) -> {
            if (shape.size() != values.length) {
                throw new IllegalArgumentException("constant of " + values.length + " values for shape " + shape);
            }
            NDArray array = manager.create(values, shape);
            return dataType == DataType.FLOAT32 ? array : array.toType(dataType, false);
        };
    }
}
