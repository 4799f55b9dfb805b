package io.vitsom.serving;

import java.time.Duration;
import java.util.Objects;

/**
 * How many failed stream threads serving replaces before it gives up. A stream thread dies on an inference or Kafka
 * failure (bad images never get there: they go to the dead-letter topic); the batch is still buffered, so a new
 * thread retries it. A failure that repeats would loop forever, so at most {@code maxReplacements} threads are
 * replaced within any {@code window}, each after a growing delay ({@code initialBackoff}, doubling, at most
 * {@code maxBackoff}); the next failure shuts the Streams application down and {@code /health} says why.
 *
 * @param maxReplacements failed threads replaced within {@code window}; 0 shuts down on the first failure
 * @param window the span the failures are counted over
 * @param initialBackoff the wait before replacing the first failed thread of a window
 * @param maxBackoff the longest wait before a replacement (the wait runs on the dying thread, so it stays short)
 */
public record StreamThreadBudget(int maxReplacements, Duration window, Duration initialBackoff,
                                 Duration maxBackoff) {
    /** Default {@link #maxReplacements()}. */
    public static final int DEFAULT_MAX_REPLACEMENTS = 5;
    /** Default {@link #window()}. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);
    /** Default {@link #initialBackoff()}. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    /** Default {@link #maxBackoff()}. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

    public StreamThreadBudget {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxReplacements < 0) {
            throw new IllegalArgumentException("maxReplacements must not be negative, got " + maxReplacements);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, got " + window);
        }
        if (initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must not be negative, got " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be at least initialBackoff (" + initialBackoff
                    + "), got " + maxBackoff);
        }
    }

    /**
     * {@value #DEFAULT_MAX_REPLACEMENTS} replacements within 10 minutes, after 1 s, 2 s, 4 s, 8 s, 16 s: a repeatable
     * failure shuts serving down after about half a minute, a rare one (a broker restart) is absorbed.
     */
    public static StreamThreadBudget defaults() {
        return new StreamThreadBudget(DEFAULT_MAX_REPLACEMENTS, DEFAULT_WINDOW, DEFAULT_INITIAL_BACKOFF,
                DEFAULT_MAX_BACKOFF);
    }

    /** The same budget with another {@link #maxReplacements()}. */
    public StreamThreadBudget withMaxReplacements(int replacements) {
        return new StreamThreadBudget(replacements, window, initialBackoff, maxBackoff);
    }

    /** The wait before replacing the {@code failure}-th failed thread of a window (1-based). */
    Duration backoff(int failure) {
        return Backoff.exponential(initialBackoff, maxBackoff, failure);
    }
}
