package io.vitsom.bench;

import io.vitsom.model.nn.NativeKernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Process memory (resident set, not the JVM heap: libtorch allocates natively) and the machine, as Linux reports
 * them.
 */
public final class ProcessStats {
    private ProcessStats() {
    }

    /** Peak resident set size of this process in MiB ({@code VmHWM}), or NaN off Linux. */
    public static double peakRssMb() {
        return statusField("VmHWM:");
    }

    /** Current resident set size in MiB ({@code VmRSS}), or NaN off Linux. */
    public static double rssMb() {
        return statusField("VmRSS:");
    }

    private static double statusField(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /**
     * A one-line description of this machine for result files: CPU model, cores, memory and, on a non-Intel
     * x86 CPU, which MKL kernels libtorch runs (the launcher's preloaded library changes them; README "Speed"),
     * the ATen kernel set when {@code ATEN_CPU_CAPABILITY} chooses it, and whether inference runs the model's
     * C kernels for narrow layers (NativeKernels).
     */
    public static String machine() {
        Cpu cpu = Cpu.current();
        long memGb = Runtime.getRuntime().maxMemory() / (1L << 30);
        String mkl = cpu.intel() ? "" : mklIntelPathLoaded()
                ? ", MKL Intel kernel path (launcher preload)" : ", MKL generic kernels (non-Intel CPU, no preload)";
        String aten = System.getenv("ATEN_CPU_CAPABILITY");
        return (cpu.model() == null ? "unknown CPU" : cpu.model()) + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, JVM heap max " + memGb + " GiB"
                + mkl + (aten == null || aten.isBlank() ? "" : ", ATen kernels " + aten)
                + (NativeKernels.attentionAvailable(8) ? ", C inference kernels for narrow layers" : "");
    }

    /**
     * The CPU as {@code /proc/cpuinfo} names it.
     *
     * @param model the model name, or null where there is no cpuinfo (off Linux)
     * @param intel whether the vendor is Intel (true when unknown: MKL then needs no note)
     */
    public record Cpu(String model, boolean intel) {
        /** This machine's CPU. */
        public static Cpu current() {
            String model = null;
            boolean intel = true;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("vendor_id")) {
                        intel = line.contains("GenuineIntel");
                    } else if (line.startsWith("model name")) {
                        model = line.substring(line.indexOf(':') + 1).trim();
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Off Linux there is no cpuinfo; the rest of a machine's description still places a run.
            }
            return new Cpu(model, intel);
        }
    }

    private static boolean mklIntelPathLoaded() {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains("libvitsom_mkl_intel_cpu.so");
        } catch (IOException e) {
            return false;
        }
    }
}
