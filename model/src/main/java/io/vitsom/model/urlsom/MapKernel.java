package io.vitsom.model.urlsom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.Objects;

/**
 * URL-SOM's fixed radial convolution over the 2-D map (paper section III): the topological neighbourhood is
 * enforced by convolving the map's activations with a constant radial kernel before the softmax. The kernel is
 * never a parameter and never receives a gradient; gradients flow through it to the input.
 *
 * <p>Like every record holding an array, {@code equals} compares {@code values} by identity; the array is not
 * copied, so callers must not modify it.
 *
 * @param size side of the square kernel, odd and positive
 * @param values {@code size * size} weights, row-major, centred at {@code (size / 2, size / 2)}
 */
public record MapKernel(int size, float[] values) {
    /** Largest map whose operator is a dense {@code units x units} matrix (64 MiB of floats). */
    static final int MAX_MATRIX_UNITS = 4096;

    public MapKernel {
        Objects.requireNonNull(values, "values");
        if (size < 1 || size % 2 == 0) {
            throw new IllegalArgumentException("size must be odd and positive, got " + size);
        }
        if (values.length != (long) size * size) {
            throw new IllegalArgumentException(
                    "values has " + values.length + " weights, expected " + size + "x" + size);
        }
    }

    /**
     * A Gaussian {@code exp(-(x^2 + y^2) / (2 sigma^2))} over the integer offsets from the centre, normalised to
     * sum 1, on the smallest odd side at least {@code 6 sigma} (at least 1): sigma 5, the paper's, gives 31.
     *
     * @param sigma standard deviation in map units, finite and positive
     */
    public static MapKernel gaussian(double sigma) {
        if (!(sigma > 0 && Double.isFinite(sigma))) {
            throw new IllegalArgumentException("sigma must be finite and > 0, got " + sigma);
        }
        int side = Math.max(1, (int) Math.ceil(6 * sigma));
        if (side % 2 == 0) {
            side++;
        }
        double twoSigmaSquared = 2 * sigma * sigma;
        return normalised(side, squaredDistance -> Math.exp(-squaredDistance / twoSigmaSquared));
    }

    /**
     * A Student-t (Cauchy-like) kernel {@code 1 / (1 + (x^2 + y^2) / scale)} over the integer offsets from the
     * centre, normalised to sum 1.
     *
     * @param scale squared distance at which the weight halves, finite and positive
     * @param size side of the kernel, odd and positive
     */
    public static MapKernel studentT(double scale, int size) {
        if (!(scale > 0 && Double.isFinite(scale))) {
            throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
        }
        if (size < 1 || size % 2 == 0) {
            throw new IllegalArgumentException("size must be odd and positive, got " + size);
        }
        return normalised(size, squaredDistance -> 1.0 / (1.0 + squaredDistance / scale));
    }

    /** A radial profile as a function of the squared distance from the centre. */
    @FunctionalInterface
    private interface Profile {
        double at(double squaredDistance);
    }

    private static MapKernel normalised(int side, Profile profile) {
        int half = side / 2;
        double[] raw = new double[side * side];
        double total = 0;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int dx = x - half;
                int dy = y - half;
                raw[y * side + x] = profile.at(dx * dx + dy * dy);
                total += raw[y * side + x];
            }
        }
        float[] values = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            values[i] = (float) (raw[i] / total);
        }
        return new MapKernel(side, values);
    }

    /** The weight at offset ({@code dx}, {@code dy}) from the centre, 0 outside the kernel. */
    public float at(int dx, int dy) {
        int half = size / 2;
        if (Math.abs(dx) > half || Math.abs(dy) > half) {
            return 0f;
        }
        return values[(dy + half) * size + dx + half];
    }

    /**
     * Convolves every map with the kernel, zero padding {@code (size - 1) / 2} on each side so the output has the
     * input's size (also when the kernel is larger than the map): {@link #on}{@code (H, W)} applied to the flattened
     * maps.
     *
     * @param maps {@code [N, 1, H, W]} activations (any floating type; square maps are the usual case)
     * @return {@code [N, 1, H, W]} in the input's manager and data type
     */
    public NDArray apply(NDArray maps) {
        Objects.requireNonNull(maps, "maps");
        Shape shape = maps.getShape();
        if (shape.dimension() != 4 || shape.get(1) != 1) {
            throw new IllegalArgumentException("maps must be [N, 1, H, W], got " + shape);
        }
        long n = shape.get(0);
        int rows = Math.toIntExact(shape.get(2));
        int cols = Math.toIntExact(shape.get(3));
        return on(rows, cols).apply(maps.reshape(n, (long) rows * cols)).reshape(shape);
    }

    /** This kernel over maps of {@code rows x cols} units (build it once per map, apply it to every batch). */
    public Operator on(int rows, int cols) {
        long units = (long) rows * cols;
        return new Operator(this, rows, cols, units <= MAX_MATRIX_UNITS && units <= (long) size * size);
    }

    /**
     * The kernel as a linear map from a flattened {@code rows x cols} map to the smoothed one: the 'same' zero-padded
     * convolution of {@link #apply}. Why two ways: with one channel, libtorch runs the convolution through oneDNN's
     * im2col + GEMM path at a small fraction of the machine's speed (the paper's 31 x 31 kernel on 30 x 30 maps took
     * ~8% of a CIFAR-10 inference pass), while the same sums as one {@code [N, units] x [units, units]} matrix
     * product run on the full-speed GEMM. The matrix is used while it holds no more multiply-adds per map than the
     * convolution ({@code units <= size^2}) and fits in {@value #MAX_MATRIX_UNITS} units; larger maps are convolved.
     * The two differ only in the order of the float sums. Immutable; its matrix is built once.
     */
    public static final class Operator {
        private final MapKernel kernel;
        private final int rows;
        private final int cols;
        private final float[] matrix;

        Operator(MapKernel kernel, int rows, int cols, boolean dense) {
            if (rows < 1 || cols < 1) {
                throw new IllegalArgumentException("map must be at least 1x1, got " + rows + "x" + cols);
            }
            this.kernel = kernel;
            this.rows = rows;
            this.cols = cols;
            this.matrix = dense ? kernel.matrix(rows, cols) : null;
        }

        /** Whether this operator is a matrix product (else a convolution). */
        boolean dense() {
            return matrix != null;
        }

        /**
         * Smooths every map of {@code maps}. The kernel constant is created without gradient and not closed here: a
         * float32 array made from a Java array shares that array's native buffer, and autograd keeps it for the
         * backward pass; closing it would free the memory the backward pass then reads (the trap of README "The
         * model, exact to the reference"). It lives as long as the caller's scope. Gradients flow to {@code maps}.
         *
         * @param maps {@code [N, rows * cols]} activations, row-major maps (any floating type)
         * @return {@code [N, rows * cols]} in the input's manager and data type
         */
        public NDArray apply(NDArray maps) {
            Objects.requireNonNull(maps, "maps");
            Shape shape = maps.getShape();
            int units = rows * cols;
            if (shape.dimension() != 2 || shape.get(1) != units) {
                throw new IllegalArgumentException("maps must be [N, " + units + "] (" + rows + "x" + cols
                        + " maps), got " + shape);
            }
            if (matrix != null) {
                return maps.matMul(constant(maps, matrix, new Shape(units, units)));
            }
            int pad = (kernel.size - 1) / 2;
            NDArray weight = constant(maps, kernel.values, new Shape(1, 1, kernel.size, kernel.size));
            // The kernel is symmetric, so correlation, which conv2d computes, equals convolution.
            return Conv2d.conv2d(maps.reshape(shape.get(0), 1, rows, cols), weight, null, new Shape(1, 1),
                    new Shape(pad, pad), new Shape(1, 1), 1).singletonOrThrow().reshape(shape);
        }

        /** {@code values} as a constant of {@code shape} in the manager and data type of {@code like}. */
        private static NDArray constant(NDArray like, float[] values, Shape shape) {
            NDArray asFloat = like.getManager().create(values, shape);
            if (asFloat.getDataType() == like.getDataType()) {
                return asFloat;
            }
            try (asFloat) {
                return asFloat.toType(like.getDataType(), true);
            }
        }
    }

    /**
     * The convolution over {@code rows x cols} maps as a matrix, row-major {@code [units, units]}: entry
     * {@code (i, j)} is the weight of input unit {@code i} in output unit {@code j}, {@code at(x_i - x_j, y_i - y_j)}
     * (0 beyond the kernel, which is the zero padding). Symmetric, as the kernel is.
     */
    float[] matrix(int rows, int cols) {
        int units = rows * cols;
        float[] out = new float[units * units];
        for (int i = 0; i < units; i++) {
            for (int j = 0; j < units; j++) {
                out[i * units + j] = at(i % cols - j % cols, i / cols - j / cols);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "MapKernel[size=" + size + ", centre=" + values[values.length / 2] + "]";
    }
}
