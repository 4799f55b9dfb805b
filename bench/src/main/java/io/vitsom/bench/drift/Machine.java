package io.vitsom.bench.drift;

import io.vitsom.bench.ProcessStats;
import java.util.Locale;

/**
 * The machine a drift benchmark ran on, for comparing runs.
 *
 * @param cpu the CPU model from {@code /proc/cpuinfo}, or null off Linux
 */
record Machine(int cores, String os, String cpu, long maxHeapMb) {
    /** This JVM's machine. */
    static Machine current() {
        return new Machine(Runtime.getRuntime().availableProcessors(), System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                ProcessStats.Cpu.current().model(), Runtime.getRuntime().maxMemory() >> 20);
    }

    /** One line for a report: CPU, cores, OS and the JVM's heap limit. */
    String describe() {
        return String.format(Locale.ROOT, "%s, %d cores, %s, JVM heap max %d MiB",
                cpu == null ? "unknown CPU" : cpu, cores, os, maxHeapMb);
    }
}
