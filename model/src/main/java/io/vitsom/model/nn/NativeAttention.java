package io.vitsom.model.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Softmax attention for narrow heads (width 4, 8 or 16) in a small C kernel ({@code model/src/main/c/attention.c}),
 * used for inference only: it has no backward, so training keeps libtorch's fused kernel.
 *
 * <p>Why: at head width 8 and 197 tokens (the MNIST configs) libtorch's flash-attention kernel is the largest
 * item of the forward pass; the kernel here keeps 16 query rows in one AVX-512 register and does the same
 * arithmetic without GEMM calls or per-row reductions. It reads the qkv projection's output and writes the
 * output projection's input in place (direct buffers over libtorch's memory), split by image over the cores.
 *
 * <p>The library is built by Maven ({@code model/pom.xml}) when a C compiler is present, and loaded from the path
 * in the system property {@value #LIBRARY_PROPERTY} (the launcher sets it). Without the library, on a CPU
 * without AVX-512, or with {@code -Dvitsom.attention=fused|explicit}, {@link #attend} answers empty and callers
 * use libtorch.
 */
public final class NativeAttention {
    /** System property naming the shared library. */
    public static final String LIBRARY_PROPERTY = "vitsom.native.attention";

    private static final Logger LOG = LoggerFactory.getLogger(NativeAttention.class);
    private static final boolean LOADED = load();

    private NativeAttention() {
    }

    /** Whether the library is loaded and runs heads of width {@code headDim} on this CPU. */
    public static boolean available(int headDim) {
        return LOADED && supports(headDim);
    }

    /**
     * {@code softmax(q k^T / sqrt(d)) v} for every head of {@code qkv} ({@code [B, N, 3 * heads * d]}, the qkv
     * projection's output), as {@code [B, N, heads * d]}; empty when the native kernel cannot run it.
     */
    public static Optional<NDArray> attend(NDArray qkv, int heads) {
        Shape shape = qkv.getShape();
        if (shape.dimension() != 3 || shape.get(2) % (3L * heads) != 0 || qkv.getDataType() != DataType.FLOAT32
                || !(qkv instanceof PtNDArray) || !Device.cpu().equals(qkv.getDevice())) {
            return Optional.empty();
        }
        int batch = Math.toIntExact(shape.get(0));
        int tokens = Math.toIntExact(shape.get(1));
        int headDim = Math.toIntExact(shape.get(2) / (3L * heads));
        if (!available(headDim)) {
            return Optional.empty();
        }
        NDArray out = qkv.getManager().create(new Shape(batch, tokens, (long) heads * headDim), DataType.FLOAT32);
        // DJL hands out a buffer over libtorch's memory (over a contiguous copy, owned by the same manager,
        // if the array were a strided view), so nothing is copied into Java.
        ByteBuffer inBuffer = ((PtNDArray) qkv).toByteBuffer(true);
        ByteBuffer outBuffer = ((PtNDArray) out).toByteBuffer(true);
        boolean ok = attend(inBuffer, outBuffer, 0, batch, tokens, heads, headDim,
                Math.min(batch, Runtime.getRuntime().availableProcessors())) == 0;
        if (!ok) {
            out.close();
            return Optional.empty();
        }
        return Optional.of(out);
    }

    private static boolean load() {
        String mode = System.getProperty("vitsom.attention", "");
        String path = System.getProperty(LIBRARY_PROPERTY, "");
        if (path.isEmpty() || mode.equals("fused") || mode.equals("explicit")) {
            return false;
        }
        try {
            System.load(path);
            return true;
        } catch (UnsatisfiedLinkError e) {
            LOG.warn("native attention kernel {} not loaded, using libtorch's: {}", path, e.getMessage());
            return false;
        }
    }

    private static native boolean supports(int headDim);

    /** Whether the kernel splits a batch over libtorch's OpenMP threads (else it runs on the calling thread). */
    static native boolean parallel();

    private static native int attend(ByteBuffer qkv, ByteBuffer out, int from, int to, int tokens, int heads,
            int headDim, int threads);
}
