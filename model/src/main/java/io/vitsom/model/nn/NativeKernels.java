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
 * Inference kernels in C ({@code model/src/main/c/kernels.c}) for the narrow ViT of the MNIST configs: softmax
 * attention for heads 4, 8 or 16 wide, and LayerNorm over rows 16 to 64 wide. None has a backward, so only
 * inference uses them (not training, and not while autograd records); training keeps libtorch's kernels.
 *
 * <p>Why: at head width 8 with 197 tokens, libtorch's flash-attention kernel was the largest item of the forward
 * pass and its LayerNorm for 16-wide rows the next one. The attention kernel keeps 16 query rows in one AVX-512
 * register and does the same arithmetic without GEMM calls or per-row reductions. Both read and write libtorch's
 * memory through direct buffers and split the work over libtorch's own OpenMP threads.
 *
 * <p>The library is built by Maven ({@code model/pom.xml}) when a C compiler is present and loaded from the path
 * in the system property {@value #LIBRARY_PROPERTY} (the launcher and the tests set it). Without it, or on a CPU
 * without AVX-512, the methods answer empty and callers use libtorch.
 */
public final class NativeKernels {
    /** System property naming the shared library. */
    public static final String LIBRARY_PROPERTY = "vitsom.native.kernels";

    private static final Logger LOG = LoggerFactory.getLogger(NativeKernels.class);
    private static final boolean LOADED = load();

    private NativeKernels() {
    }

    /** Whether attention over heads {@code headDim} wide runs here on this CPU. */
    public static boolean attentionAvailable(int headDim) {
        return LOADED && attentionSupports(headDim);
    }

    /** Whether LayerNorm over rows {@code width} wide runs here on this CPU. */
    public static boolean layerNormAvailable(int width) {
        return LOADED && layerNormSupports(width);
    }

    /**
     * {@code softmax(q k^T / sqrt(d)) v} for every head of {@code qkv} ({@code [B, N, 3 * heads * d]}, the qkv
     * projection's output), as {@code [B, N, heads * d]}; empty when this kernel cannot run it.
     */
    public static Optional<NDArray> attention(NDArray qkv, int heads) {
        Shape shape = qkv.getShape();
        if (!onCpu(qkv) || shape.dimension() != 3 || shape.get(2) % (3L * heads) != 0) {
            return Optional.empty();
        }
        int batch = Math.toIntExact(shape.get(0));
        int tokens = Math.toIntExact(shape.get(1));
        int headDim = Math.toIntExact(shape.get(2) / (3L * heads));
        if (!attentionAvailable(headDim)) {
            return Optional.empty();
        }
        NDArray out = qkv.getManager().create(new Shape(batch, tokens, (long) heads * headDim), DataType.FLOAT32);
        int status = attention(buffer(qkv), buffer(out), batch, tokens, heads, headDim, threads(batch));
        return result(out, status);
    }

    /**
     * LayerNorm over the last axis of {@code x} ({@code [..., width]}) with per-feature {@code gamma} and
     * {@code beta}, as {@code torch.nn.functional.layer_norm}; empty when this kernel cannot run it.
     */
    public static Optional<NDArray> layerNorm(NDArray x, NDArray gamma, NDArray beta, float eps) {
        Shape shape = x.getShape();
        if (!onCpu(x) || !onCpu(gamma) || !onCpu(beta) || shape.dimension() < 1) {
            return Optional.empty();
        }
        int width = Math.toIntExact(shape.get(shape.dimension() - 1));
        if (!layerNormAvailable(width) || gamma.size() != width || beta.size() != width) {
            return Optional.empty();
        }
        int rows = Math.toIntExact(shape.size() / width);
        NDArray out = x.getManager().create(shape, DataType.FLOAT32);
        int status = layerNorm(buffer(x), buffer(gamma), buffer(beta), buffer(out), rows, width, eps, threads(rows));
        return result(out, status);
    }

    private static boolean onCpu(NDArray a) {
        return a instanceof PtNDArray && a.getDataType() == DataType.FLOAT32 && Device.cpu().equals(a.getDevice());
    }

    /**
     * A buffer over the array's own memory; DJL hands out one over a contiguous copy (owned by the same manager)
     * when the array is a strided view, so nothing is copied into Java.
     */
    private static ByteBuffer buffer(NDArray a) {
        return ((PtNDArray) a).toByteBuffer(true);
    }

    private static int threads(int work) {
        return Math.min(work, Runtime.getRuntime().availableProcessors());
    }

    private static Optional<NDArray> result(NDArray out, int status) {
        if (status != 0) {
            out.close();
            return Optional.empty();
        }
        return Optional.of(out);
    }

    private static boolean load() {
        String path = System.getProperty(LIBRARY_PROPERTY, "");
        if (path.isEmpty()) {
            return false;
        }
        try {
            System.load(path);
            return true;
        } catch (UnsatisfiedLinkError e) {
            LOG.warn("native inference kernels {} not loaded, using libtorch's: {}", path, e.getMessage());
            return false;
        }
    }

    /** Whether the kernels split their work over libtorch's OpenMP threads (else they run on the calling thread). */
    static native boolean parallel();

    private static native boolean attentionSupports(int headDim);

    private static native boolean layerNormSupports(int width);

    private static native int attention(ByteBuffer qkv, ByteBuffer out, int batch, int tokens, int heads,
            int headDim, int threads);

    private static native int layerNorm(ByteBuffer x, ByteBuffer gamma, ByteBuffer beta, ByteBuffer out, int rows,
            int width, float eps, int threads);
}
