package io.vitsom.serving;

import java.time.Duration;
import java.util.Objects;

/**
 * How the assignment topology groups records into inference batches: a batch is flushed when it holds
 * {@code batchSize} records, or when {@code maxDelay} of wall-clock time has passed, whichever comes first.
 *
 * @param batchSize records per inference batch; larger batches use libtorch better, smaller ones wait less
 * @param maxDelay the longest a buffered record waits for its batch to fill (at least 1 ms)
 */
public record BatchConfig(int batchSize, Duration maxDelay) {
    /**
     * Default batch size. A full batch only forms under load, where 256 served ~25% more images/s than 64 through
     * Kafka on two cores (bench-stream, interleaved runs); at light load the delay flushes small batches anyway.
     */
    public static final int DEFAULT_BATCH_SIZE = 256;
    /** Default wait for a batch to fill. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(20);

    public BatchConfig {
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        if (maxDelay.toMillis() < 1) {
            throw new IllegalArgumentException("maxDelay must be at least 1 ms, got " + maxDelay);
        }
    }

    /** {@value #DEFAULT_BATCH_SIZE} records or 20 ms. */
    public static BatchConfig defaults() {
        return new BatchConfig(DEFAULT_BATCH_SIZE, DEFAULT_MAX_DELAY);
    }
}
