package io.vitsom.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.nn.VitSom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MemoryTest {

    /**
     * Resident memory outside the JVM's own committed heap and non-heap areas: what libtorch and DJL's native
     * buffers hold. Plain RSS also rises while the JVM grows its heap towards -Xmx, which is not a leak.
     */
    private static double nativeMb() throws IOException {
        System.gc();
        var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        double jvm = (memory.getHeapMemoryUsage().getCommitted() + memory.getNonHeapMemoryUsage().getCommitted())
                / (1024.0 * 1024.0);
        return rssMb() - jvm;
    }

    private static double rssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    @Test
    void twoThousandStepsKeepResidentMemoryAndManagedArraysFlat() throws IOException {
        VitSomConfig config = VitSomTrainerTest.tiny(0);
        float[] images = VitSomTrainerTest.images(16, 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            VitSom model = VitSom.builder().setConfig(config).build();
            model.initialize(manager);
            try (VitSomTrainer trainer = new VitSomTrainer(model, manager,
                    new EpochSchedule(config, new TrainingPlan(16_000, 16, 2)))) {
                for (int i = 0; i < 500; i++) {
                    trainer.step(images, null, 16);
                }
                int arrays = manager.getManagedArrays().size();
                double before = nativeMb();
                for (int i = 0; i < 1500; i++) {
                    trainer.step(images, null, 16);
                }
                // Without the per-step scope every step leaks its temporaries into the model's manager
                // (measured without it: 130-225 MB per step on the MNIST config, so hundreds of GB here). The bound
                // is loose because RSS minus the JVM's committed memory also moves with the allocator's arenas and
                // with the heap the other tests of this JVM left behind (seen: 20-121 MB); a leak is far above it.
                assertThat(manager.getManagedArrays().size()).isEqualTo(arrays);
                assertThat(nativeMb() - before).as("native memory growth in MB over 1,500 steps").isLessThan(256);
            }
        }
    }
}
