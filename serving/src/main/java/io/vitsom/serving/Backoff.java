package io.vitsom.serving;

import java.time.Duration;

/** Exponential back-off: {@code initial}, twice that, four times ..., never more than {@code max}. */
final class Backoff {
    private Backoff() {
    }

    /**
     * The wait before the {@code attempt}-th retry.
     *
     * @param attempt 1 for the first retry
     */
    static Duration exponential(Duration initial, Duration max, int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
        }
        // Past 2^30 the doubling would overflow; the cap has long been reached by then.
        int doublings = Math.min(attempt - 1, 30);
        Duration delay = initial;
        for (int i = 0; i < doublings && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
