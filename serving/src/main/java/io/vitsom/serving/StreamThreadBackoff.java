package io.vitsom.serving;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * Decides what to do with a failed stream thread under a {@link StreamThreadBudget}: replace it after a delay
 * while the failures within the budget's window stay within {@link StreamThreadBudget#maxReplacements()}, shut the
 * application down once they do not. Pure bookkeeping, no waiting: the caller waits.
 */
final class StreamThreadBackoff {
    private final StreamThreadBudget budget;
    private final InstantSource clock;
    /** When the failures still inside the window happened, oldest first. */
    private final Deque<Instant> failures = new ArrayDeque<>();

    StreamThreadBackoff(StreamThreadBudget budget, InstantSource clock) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What to do with one failed thread. */
    sealed interface Decision permits Replace, ShutDown {
        /** Failures within the window, this one included. */
        int failures();
    }

    /** Replace the thread after {@code delay}. */
    record Replace(int failures, Duration delay) implements Decision {
    }

    /** Shut the application down: the budget is spent. */
    record ShutDown(int failures) implements Decision {
    }

    /** Counts a failure now and decides. */
    synchronized Decision onFailure() {
        Instant now = clock.instant();
        Instant windowStart = now.minus(budget.window());
        while (!failures.isEmpty() && !failures.peekFirst().isAfter(windowStart)) {
            failures.removeFirst();
        }
        failures.addLast(now);
        int count = failures.size();
        if (count > budget.maxReplacements()) {
            return new ShutDown(count);
        }
        return new Replace(count, budget.backoff(count));
    }

    /** Failures within the window ending now. */
    synchronized int recentFailures() {
        Instant windowStart = clock.instant().minus(budget.window());
        return (int) failures.stream().filter(at -> at.isAfter(windowStart)).count();
    }
}
