package io.vitsom.model.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Fused libtorch kernels that DJL's NDArray API does not expose, reached through tiny TorchScript modules.
 *
 * <p>Why: {@code torch.scaled_dot_product_attention} runs attention without materialising the
 * {@code [B, heads, N, N]} score tensor and its softmax backward, which dominate the step time of the
 * explicit formulation. The TorchScript archive is written by this class (a zip of the module's pickled
 * state and its source, which libtorch compiles on load), so no Python is needed at build or run time.
 * Autograd records through the module when it runs with {@code training = true}.
 */
public final class TorchScriptKernels {
    private TorchScriptKernels() {
    }

    /** A module whose {@code forward(q, k, v)} is {@code torch.scaled_dot_product_attention(q, k, v)}. */
    public static PtSymbolBlock scaledDotProductAttention(NDManager manager) {
        return load(manager, "Sdpa", """
                  def forward(self: __torch__.Sdpa,
                    q: Tensor,
                    k: Tensor,
                    v: Tensor) -> Tensor:
                    return torch.scaled_dot_product_attention(q, k, v)
                """);
    }

    /**
     * A module whose {@code forward(params, grads, exp_avgs, exp_avg_sqs, steps, lr, beta1, beta2, weight_decay,
     * eps)} advances the step tensors (as {@code torch.optim.AdamW(fused=True)} does before the kernel), runs
     * {@code torch._fused_adamw_} (one pass over each tensor instead of a dozen ops) and zeroes the gradients.
     */
    public static PtSymbolBlock fusedAdamW(NDManager manager) {
        return load(manager, "FusedAdamW", """
                  def forward(self: __torch__.FusedAdamW,
                    params: List[Tensor],
                    grads: List[Tensor],
                    exp_avgs: List[Tensor],
                    exp_avg_sqs: List[Tensor],
                    steps: List[Tensor],
                    lr: float,
                    beta1: float,
                    beta2: float,
                    weight_decay: float,
                    eps: float) -> int:
                    max_exp_avg_sqs = annotate(List[Tensor], [])
                    for s in steps:
                      s.add_(1)
                    torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False)
                    for g in grads:
                      g.zero_()
                    return 0
                """);
    }

    private static PtSymbolBlock load(NDManager manager, String className, String forwardSource) {
        try {
            Path file = Files.createTempFile("vitsom-" + className.toLowerCase() + "-", ".pt");
            try {
                writeArchive(file, className, forwardSource);
                return JniUtils.loadModule((PtNDManager) manager, file, false, new String[0], new String[0], false);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TorchScript module " + className, e);
        }
    }

    /** The archive layout torch.jit.save produces for a parameter-free module (format version 3). */
    static void writeArchive(Path file, String className, String forwardSource) throws IOException {
        String dir = className.toLowerCase();
        String code = "class " + className + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + forwardSource;
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(dir + "/data.pkl", dataPickle(className));
        entries.put(dir + "/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
        entries.put(dir + "/constants.pkl", new byte[] {(byte) 0x80, 0x02, ')', '.'});
        entries.put(dir + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                // Stored (uncompressed) entries with sizes up front, as PyTorch's own archives.
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
    }

    /** Pickle (protocol 2) of {@code __torch__.<className>} with {@code training = True}. */
    private static byte[] dataPickle(String className) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x80, 0x02});
        b.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(new byte[] {'q', 0, ')', (byte) 0x81, '}', '('});
        b.write('X');
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        b.writeBytes(new byte[] {(byte) key.length, 0, 0, 0});
        b.writeBytes(key);
        b.writeBytes(new byte[] {'q', 1, (byte) 0x88, 'u', 'b', 'q', 2, '.'});
        return b.toByteArray();
    }
}
