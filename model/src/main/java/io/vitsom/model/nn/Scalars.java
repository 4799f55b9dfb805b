package io.vitsom.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * Scalars for graph code, created as arrays owned by the same manager as their operand.
 *
 * <p>Why: DJL's {@code x.mul(Number)} wraps the Java value in a zero-copy tensor that is released
 * right after the call while autograd still references it; a GC between forward and backward then
 * corrupts gradients silently. Every scalar that autograd may record goes through here.
 */
public final class Scalars {
    private Scalars() {
    }

    /** A 0-d float array holding {@code value}, on the manager and device of {@code like}. */
    public static NDArray of(NDArray like, double value) {
        return like.getManager().create((float) value).toDevice(like.getDevice(), false);
    }
}
