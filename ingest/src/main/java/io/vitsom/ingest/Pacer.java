package io.vitsom.ingest;

/**
 * Spaces sends to a target rate. It keeps an absolute schedule (the n-th send since the anchor is due at
 * {@code anchor + n / rate}) rather than sleeping a fixed interval after each send, so the time spent sending does
 * not slow the rate down and rounding never accumulates. When the sender falls further behind than
 * {@code maxLagNanos} (a broker stall), the schedule restarts from now instead of bursting to catch up.
 *
 * <p>Pure: the caller passes the clock in, so tests run without sleeping. Not thread-safe.
 */
final class Pacer {
    private static final double NANOS_PER_SECOND = 1e9;

    private final double ratePerSecond;
    private final long maxLagNanos;
    private long anchorNanos;
    private long scheduled;

    /**
     * @param ratePerSecond sends per second; 0 means as fast as possible
     * @param maxLagNanos how far behind schedule the sender may be before the schedule restarts
     * @param startNanos the clock reading the schedule starts at
     */
    Pacer(double ratePerSecond, long maxLagNanos, long startNanos) {
        if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate must be a finite number >= 0 (0 = unlimited), got "
                    + ratePerSecond);
        }
        if (maxLagNanos < 0) {
            throw new IllegalArgumentException("maxLagNanos must be >= 0, got " + maxLagNanos);
        }
        this.ratePerSecond = ratePerSecond;
        this.maxLagNanos = maxLagNanos;
        this.anchorNanos = startNanos;
    }

    /**
     * Reserves the next send: returns how many nanoseconds to wait (from {@code nowNanos}) before doing it, 0 when
     * it is due already. Each call reserves one slot.
     */
    long reserve(long nowNanos) {
        if (ratePerSecond == 0) {
            return 0;
        }
        long due = dueNanos(scheduled);
        if (nowNanos - due > maxLagNanos) {
            anchorNanos = nowNanos;
            scheduled = 0;
            due = nowNanos;
        }
        scheduled++;
        return Math.max(0, due - nowNanos);
    }

    private long dueNanos(long index) {
        return anchorNanos + Math.round(index * NANOS_PER_SECOND / ratePerSecond);
    }
}
