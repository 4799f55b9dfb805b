package io.vitsom.app.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code vitsom} subcommand in a child JVM ({@code java -cp <this JVM's classpath> io.vitsom.app.Main ...}), so
 * the fault bench can SIGKILL it like a crashing service. Its stdout and stderr go to one log file that the bench
 * reads for the service's own account of what it did (checkpoints skipped, incomplete writes removed).
 */
final class ChildJvm {
    /** System properties the launcher sets that a child needs to behave like a {@code ./vitsom} process. */
    private static final List<String> INHERITED_PROPERTIES = List.of("vitsom.native.kernels", "vitsom.home",
            "vitsom.git");

    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code io.vitsom.app.Main args...} with a heap of {@code xmx} (e.g. {@code 2g}). */
    static ChildJvm start(String name, Path log, String xmx, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + xmx);
        // As the launcher: a heap exhaustion ends the process instead of leaving it half-dead.
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-Dai.djl.offline=true");
        for (String property : INHERITED_PROPERTIES) {
            String value = System.getProperty(property);
            if (value != null) {
                command.add("-D" + property + "=" + value);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.vitsom.app.Main");
        command.addAll(args);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ChildJvm(name, process, log);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit status of a process that has ended (137 = SIGKILL, e.g. by the kernel's OOM killer). */
    int exitStatus() {
        return process.exitValue();
    }

    Path log() {
        return log;
    }

    /** The log so far (empty when nothing was written yet). */
    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** SIGKILL: no shutdown hook runs. Returns the exit status once the process is gone. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        return awaitExit(30);
    }

    /** SIGTERM, then SIGKILL if it has not ended within {@code seconds}. Returns the exit status. */
    int stop(int seconds) throws InterruptedException {
        requestStop();
        return awaitStop(seconds);
    }

    /** SIGKILL without waiting. */
    void destroyNow() {
        process.destroyForcibly();
    }

    /** SIGTERM; returns at once, so that several children can shut down side by side. */
    void requestStop() {
        process.destroy();
    }

    /** After {@link #requestStop()}: waits up to {@code seconds}, then SIGKILLs. Returns the exit status. */
    int awaitStop(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return awaitExit(30);
    }

    private int awaitExit(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") did not exit within " + seconds
                    + " s");
        }
        return process.exitValue();
    }
}
