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
     * input's size (also when the kernel is larger than the map). The kernel is symmetric, so correlation, which
     * {@code conv2d} computes, equals convolution. The kernel tensor is created without gradient and released
     * before returning; autograd keeps its own reference for the backward pass.
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
        int pad = (size - 1) / 2;
        // Not closed here: a float32 kernel made from a Java array shares that array's native buffer, and autograd
        // keeps the kernel for the backward pass; closing it would free the memory the backward pass then reads
        // (the trap of README "The model, exact to the reference"). It lives as long as the caller's scope.
        NDArray weight = weight(maps);
        return Conv2d.conv2d(maps, weight, null, new Shape(1, 1), new Shape(pad, pad), new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    /** The kernel as a {@code [1, 1, size, size]} constant in the manager and data type of {@code like}. */
    private NDArray weight(NDArray like) {
        NDArray asFloat = like.getManager().create(values, new Shape(1, 1, size, size));
        if (asFloat.getDataType() == like.getDataType()) {
            return asFloat;
        }
        try (asFloat) {
            return asFloat.toType(like.getDataType(), true);
        }
    }

    @Override
    public String toString() {
        return "MapKernel[size=" + size + ", centre=" + values[values.length / 2] + "]";
    }
}
