package io.vitsom.ingest;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets Ctrl-C (or SIGTERM) end a command cleanly: the JVM hook runs {@code stop}, then holds the JVM until the
 * command has finished its own cleanup ({@link #close()}), at most {@link #WAIT}. Without the wait the JVM would
 * exit while the command is still flushing records.
 */
final class ShutdownHook implements AutoCloseable {
    /** Longest the hook holds the JVM for the command's cleanup. */
    static final Duration WAIT = Duration.ofSeconds(60);

    private final Thread hook;
    private final CountDownLatch finished = new CountDownLatch(1);

    private ShutdownHook(String what, Runnable stop) {
        this.hook = new Thread(() -> {
            System.err.println("vitsom: stopping " + what + " ...");
            stop.run();
            try {
                finished.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vitsom-" + what + "-shutdown");
    }

    /** Installs a hook that runs {@code stop} when the JVM is asked to exit. */
    static ShutdownHook install(String what, Runnable stop) {
        ShutdownHook shutdownHook = new ShutdownHook(what, stop);
        Runtime.getRuntime().addShutdownHook(shutdownHook.hook);
        return shutdownHook;
    }

    /** Tells the hook that the command is done; removes it when the JVM is not already exiting. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // The JVM is shutting down and the hook is running: it returns now that finished is counted down.
        }
    }
}
