package io.vitsom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.model.train.StopSignal;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real benchmark process in the middle of its training (a child JVM on the test classpath, tiny model,
 * tiny synthetic data): it must stop at a step boundary, write what finished marked incomplete, and exit with
 * {@link StopSignal#EXIT_STOPPED} — no JVM crash inside libtorch, no {@code hs_err} file.
 */
class CleanStopTest {
    /** Long enough that the SIGTERM always lands mid-training, whatever the machine's speed. */
    private static final String MANY_EPOCHS = "5000";

    @Test
    void sigtermDuringBenchTrainingWritesTheInterruptedRunAsIncomplete(@TempDir Path tmp) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("halves"));
        SyntheticIdx.write(data, "train", 128, 1);
        SyntheticIdx.write(data, "t10k", 32, 2);
        Path config = Files.writeString(tmp.resolve("tiny.yaml"), BenchRoundTripTest.TINY);
        Path out = tmp.resolve("out");

        Child child = Child.start(tmp, "bench", "--config", config.toString(), "--data", data.toString(),
                "--epochs", MANY_EPOCHS, "--runs", "2", "--epoch-eval-limit", "32", "--out", out.toString());
        child.awaitLine(line -> line.startsWith("train ["));
        child.process.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
        child.assertStoppedCleanly();

        JsonNode results = BenchReport.JSON.readTree(out.resolve("results.json").toFile());
        assertThat(results.path("incomplete").asBoolean()).isTrue();
        assertThat(results.path("runs")).isEmpty();
        JsonNode interrupted = results.path("interrupted_run");
        assertThat(interrupted.path("incomplete").asBoolean()).isTrue();
        assertThat(interrupted.path("stage").asText()).isEqualTo("training");
        assertThat(interrupted.path("seed").asLong()).isZero();
        assertThat(interrupted.path("epochs_done").asInt()).isBetween(0, Integer.parseInt(MANY_EPOCHS) - 1);
        assertThat(Files.readString(out.resolve("results.md"))).contains("**Incomplete**");
        // A partial model is not saved as if it were the benchmark's model.
        assertThat(out.resolve("model")).doesNotExist();
        assertThat(child.output()).contains("stopped: run 1/2 (seed 0) interrupted during training");
    }

    @Test
    void sigtermDuringASuiteCellKeepsTheFinishedCellsAndNamesTheInterruptedOne(@TempDir Path tmp) throws Exception {
        Path mnist = Files.createDirectories(tmp.resolve("data/mnist"));
        SyntheticIdx.write(mnist, "train", 64, 1);
        SyntheticIdx.write(mnist, "t10k", 32, 2);
        Path configs = Files.createDirectories(tmp.resolve("configs"));
        // vit_som trains its config's 2 epochs and finishes; vit_som_24 is still training when the SIGTERM comes.
        Files.writeString(configs.resolve("vit_som_mnist.yaml"), BenchRoundTripTest.TINY);
        Files.writeString(configs.resolve("vit_som_mnist_24.yaml"),
                BenchRoundTripTest.TINY.replace("total_epochs: 2", "total_epochs: " + MANY_EPOCHS));
        Path out = tmp.resolve("out");

        Child child = Child.start(tmp, "bench-suite", "--suite", "clustering", "--models", "vit_som,vit_som_24",
                "--data-root", tmp.resolve("data").toString(), "--configs", configs.toString(), "--out",
                out.toString());
        child.awaitLine(line -> line.startsWith("mnist / vit_som_24:"));
        child.awaitLine(line -> line.startsWith("train ["));
        child.process.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
        child.assertStoppedCleanly();

        JsonNode suite = BenchReport.JSON.readTree(out.resolve("suite.json").toFile());
        assertThat(suite.path("incomplete").asBoolean()).isTrue();
        assertThat(suite.path("runs")).extracting(r -> r.path("model").asText()).containsExactly("vit_som");
        assertThat(suite.path("runs").get(0).path("metrics").path("purity_test").asDouble()).isBetween(0.0, 1.0);
        assertThat(suite.path("interrupted").path("model").asText()).isEqualTo("vit_som_24");
        assertThat(suite.path("not_started")).isEmpty();
        assertThat(Files.readString(out.resolve("suite.md"))).contains("**Incomplete**")
                .contains("interrupted in mnist / vit_som_24");
        JsonNode cell = BenchReport.JSON.readTree(out.resolve("mnist-vit_som_24/results.json").toFile());
        assertThat(cell.path("incomplete").asBoolean()).isTrue();
        assertThat(cell.path("interrupted_run").path("stage").asText()).isEqualTo("training");
    }

    @Test
    void sigtermDuringBenchStepWritesTheMeasuredStepsAsIncomplete(@TempDir Path tmp) throws Exception {
        Path config = Files.writeString(tmp.resolve("tiny.yaml"), BenchRoundTripTest.TINY);
        Path out = tmp.resolve("out");

        // One timed step, then resident-memory steps until the SIGTERM.
        Child child = Child.start(tmp, "bench-step", "--config", config.toString(), "--batch", "16", "--warmup", "0",
                "--steps", "1", "--rss-steps", "1000000", "--no-reference", "--out", out.toString());
        child.awaitLine(line -> line.startsWith("rss ["));
        child.process.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
        child.assertStoppedCleanly();

        JsonNode result = BenchReport.JSON.readTree(out.resolve("bench-step.json").toFile());
        assertThat(result.path("incomplete").asBoolean()).isTrue();
        assertThat(result.path("djl").path("train_steps_timed").asInt()).isEqualTo(1);
        assertThat(result.path("djl").path("train_step_median_s").asDouble()).isPositive();
        assertThat(result.path("djl").has("infer_images_per_second")).isFalse();
        assertThat(Files.readString(out.resolve("bench-step.md"))).contains("**Incomplete**");
    }

    @Test
    void aStopDuringTheSecondRunKeepsTheFirstAndRecordsTheSecondAsInterrupted(@TempDir Path tmp) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("halves"));
        SyntheticIdx.write(data, "train", 2000, 1);
        SyntheticIdx.write(data, "t10k", 32, 2);
        Path config = Files.writeString(tmp.resolve("tiny.yaml"), BenchRoundTripTest.TINY);
        Path out = tmp.resolve("out");
        StopSignal stop = new StopSignal();
        // The stop comes as the second run (the Kohonen SOM, trained on the heap) starts training.
        PrintStream log = new PrintStream(new ByteArrayOutputStream()) {
            @Override
            public PrintStream printf(Locale l, String format, Object... args) {
                if (String.format(l, format, args).startsWith("run 2/3")) {
                    stop.request("test stop");
                }
                return this;
            }
        };
        BenchOptions options = new BenchOptions(config, data, 2, null, 3, 5, Protocol.SPLIT, out, ModelKind.SOM, 100);

        BenchReport report = new ClusteringBench(options, log, stop).run(ConfigLoader.load(config),
                DatasetLoader.load(data, null));

        assertThat(report.incomplete()).isTrue();
        assertThat(report.runs()).extracting(RunMetrics::seed).containsExactly(5L);
        assertThat(report.interrupted()).isEqualTo(new InterruptedRun(6, 2, 0, "training", "test stop"));
        JsonNode results = BenchReport.JSON.readTree(out.resolve("results.json").toFile());
        assertThat(results.path("incomplete").asBoolean()).isTrue();
        assertThat(results.path("runs")).hasSize(1);
        // The mean is the finished run's alone.
        assertThat(results.path("mean").path("purity_test").asDouble()).isEqualTo(report.runs().get(0).purityTest());
    }

    /** A benchmark command in its own JVM and working directory, its stdout and stderr read line by line. */
    private record Child(Process process, Path workDir, Thread reader, BlockingQueue<String> lines,
                         List<String> seen) {
        static Child start(Path tmp, String... args) throws IOException {
            Path workDir = Files.createDirectories(tmp.resolve("work"));
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                            .toString(), "-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                    CommandChild.class.getName()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("(reading the child's output failed: " + e + ")");
                }
            }, "child-output");
            reader.setDaemon(true);
            reader.start();
            return new Child(process, workDir, reader, lines, new ArrayList<>());
        }

        /** Waits (up to 60 s) for a line of output that matches, failing with the output so far. */
        void awaitLine(Predicate<String> matches) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    seen.add(line);
                    if (matches.test(line)) {
                        return;
                    }
                } else {
                    assertThat(process.isAlive()).as("the child ended early:%n%s", output()).isTrue();
                }
            }
            throw new AssertionError("the expected line did not come within 60 s:\n" + output());
        }

        /** Everything the child printed so far. */
        String output() {
            lines.drainTo(seen);
            return String.join("\n", seen);
        }

        /** The documented exit status, no JVM crash report on the output or in the working directory. */
        void assertStoppedCleanly() throws Exception {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("still running 60 s after SIGTERM:%n%s", output())
                    .isTrue();
            int code = process.exitValue();
            reader.join(TimeUnit.SECONDS.toMillis(10)); // the last lines, up to the end of the output
            String log = output();
            assertThat(code).as("exit status; output:%n%s", log).isEqualTo(StopSignal.EXIT_STOPPED);
            assertThat(log).doesNotContain("SIGSEGV").doesNotContain("A fatal error has been detected")
                    .contains("stopping: finishing the current step");
            try (Stream<Path> files = Files.list(workDir)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("hs_err_pid"));
            }
        }
    }
}
