package io.vitsom.model.nn;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Autograd's on/off switch for the current thread, as a try-with-resources guard.
 *
 * <p>Why this exists: libtorch's grad mode is per thread and on by default. DJL turns it off only on the thread
 * that started the engine, and relies on {@code GradientCollector} to turn it on for training. On any other thread
 * (the learner's, a server's worker) inference would run with autograd on; the fused TorchScript attention then
 * returns an inference-mode tensor that the next layer tries to save for backward, and PyTorch fails with
 * "Inference tensors cannot be saved for backward". Inference code therefore turns grad mode off explicitly.
 */
public final class Autograd implements AutoCloseable {
    private final boolean previous;

    private Autograd(boolean enabled) {
        this.previous = JniUtils.isGradMode();
        JniUtils.setGradMode(enabled);
    }

    /** Turns autograd off on this thread until {@link #close()} restores the previous mode. */
    public static Autograd off() {
        return new Autograd(false);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
