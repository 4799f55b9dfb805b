package io.vitsom.model.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request to stop training at the next step boundary, and a process's clean stop on SIGTERM or Ctrl-C.
 *
 * <p>Why it exists: on SIGTERM or SIGINT the JVM runs its shutdown hooks and then exits, and exiting runs libtorch's
 * static destructors. A training thread still inside a native step (forward, backward, AdamW) then crashes the JVM
 * (SIGSEGV in libtorch, an {@code hs_err} file) and nothing finished is written. A signal from
 * {@link #installOnShutdown} registers a shutdown hook that (1) {@linkplain #request requests} the stop, which
 * training loops see between steps ({@link #isRequested()}, {@link #throwIfRequested()}), and (2) holds the JVM's exit
 * until the command has left native work, written what it finished and {@linkplain #close() closed} the signal, or
 * until {@code maxWait} has passed (then it exits anyway, saying so).
 *
 * <p>Exit status: a stopped command returns {@link #EXIT_STOPPED} (143). When a signal started the stop, the JVM
 * itself exits with 128 + the signal's number, 143 for SIGTERM and 130 for SIGINT (Ctrl-C): the command's
 * {@code System.exit} waits for the signal's shutdown, which finishes as soon as this hook returns.
 *
 * <p>One signal per command: create it at the start of the command, pass it to the loops, close it (try-with-resources)
 * after the last result file is written and every native resource is closed.
 */
public final class StopSignal implements AutoCloseable {
    /** What a stopped command returns: 128 + SIGTERM, the status a shell shows for a process ended by SIGTERM. */
    public static final int EXIT_STOPPED = 143;
    /** How long a shutdown waits for the command by default: a step takes under a second, writing results more. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(3);

    private final CountDownLatch released = new CountDownLatch(1);
    private volatile String reason;
    private Thread hook;

    /** A signal that only {@link #request} sets: no shutdown hook (tests, callers with their own lifecycle). */
    public StopSignal() {
    }

    /**
     * A signal that SIGTERM and Ctrl-C set, holding the JVM's exit until {@link #close()} or {@code maxWait}.
     *
     * @param maxWait the longest the JVM's exit waits for the command to finish its cleanup
     * @param log where the hook says what it is doing (stderr)
     */
    public static StopSignal installOnShutdown(Duration maxWait, PrintStream log) {
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(log, "log");
        StopSignal signal = new StopSignal();
        signal.hook = new Thread(() -> signal.holdExit(maxWait, log), "vitsom-stop");
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** The hook: request the stop, then wait for the command's cleanup so that the exit never races native work. */
    private void holdExit(Duration maxWait, PrintStream log) {
        if (released.getCount() == 0) {
            return; // the command had already finished: nothing runs that the exit could tear down
        }
        request("stopped by a signal (SIGTERM or Ctrl-C)");
        log.printf("%nstopping: finishing the current step and writing what is finished (waiting up to %d s) ...%n",
                maxWait.toSeconds());
        log.flush();
        try {
            if (!released.await(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.printf("stopping: the command did not finish within %d s; exiting anyway%n", maxWait.toSeconds());
                log.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Requests the stop; the first reason is kept. */
    public void request(String why) {
        Objects.requireNonNull(why, "why");
        synchronized (this) {
            if (reason == null) {
                reason = why;
            }
        }
    }

    /** Whether a stop was requested: a training loop starts no new step once this is true. */
    public boolean isRequested() {
        return reason != null;
    }

    /** Why the stop was requested, or null. */
    public String reason() {
        return reason;
    }

    /** Throws {@link StopRequestedException} when a stop was requested (for loops with nothing partial to keep). */
    public void throwIfRequested() {
        String why = reason;
        if (why != null) {
            throw new StopRequestedException(why);
        }
    }

    /**
     * Says that the command is done: no native work runs any more and its results are written, so a shutdown in
     * progress may finish now. Without a shutdown in progress it also removes the hook. Idempotent.
     */
    @Override
    public void close() {
        released.countDown();
        Thread h = hook;
        if (h != null) {
            hook = null;
            try {
                Runtime.getRuntime().removeShutdownHook(h);
            } catch (IllegalStateException shutdownInProgress) {
                // The hook is running or about to; the count-down above lets it return.
            }
        }
    }
}
