package io.vitsom.learner;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * An exclusive lock on a checkpoint directory, held for as long as a learner trains into it. Two learners writing
 * one directory would interleave version numbers and prune each other's checkpoints; the second one is refused with
 * the holder's description (process, host, start time) read from the lock file.
 *
 * <p>An OS file lock ({@link FileChannel#tryLock()}), so it is released when the process dies, SIGKILL included: no
 * stale lock to clean up after a crash. The file itself stays and is overwritten by the next holder.
 */
public final class CheckpointLock implements AutoCloseable {
    /** Name of the lock file inside the checkpoint directory (hidden, so no version scan sees it). */
    public static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private CheckpointLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dir}, creating the directory when missing.
     *
     * @throws IllegalStateException naming the holder when another learner (in this or another process) has it
     * @throws IOException when the directory or the lock file cannot be created or written
     */
    public static CheckpointLock acquire(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("checkpoint directory " + dir + " is in use by another learner ("
                    + holder(file) + "); stop that one first, or give this one another --checkpoint-dir");
        }
        byte[] me = describeThisProcess().getBytes(StandardCharsets.UTF_8);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(me), 0);
        channel.force(true);
        return new CheckpointLock(channel, lock);
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }

    private static String holder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "holder unknown" : text;
        } catch (IOException e) {
            return "holder unknown: " + e.getMessage();
        }
    }

    private static String describeThisProcess() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        return "pid " + ProcessHandle.current().pid() + " on " + host + ", JVM " + ManagementFactory
                .getRuntimeMXBean().getName() + ", since " + Instant.now();
    }
}
