package io.vitsom.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

/** The stream-thread budget: replace after a growing delay while failures stay within it, shut down past it. */
class StreamThreadBackoffTest {
    /** A clock the test moves by hand. */
    private static final class ManualClock implements InstantSource {
        private Instant now = Instant.parse("2024-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }
    }

    private static Duration replaceDelay(StreamThreadBackoff.Decision decision) {
        assertThat(decision).isInstanceOf(StreamThreadBackoff.Replace.class);
        return ((StreamThreadBackoff.Replace) decision).delay();
    }

    @Test
    void replacesWithADoublingCappedDelayUntilTheBudgetIsSpentThenShutsDown() {
        ManualClock clock = new ManualClock();
        StreamThreadBackoff backoff = new StreamThreadBackoff(StreamThreadBudget.defaults(), clock);

        assertThat(replaceDelay(backoff.onFailure())).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(5));
        assertThat(replaceDelay(backoff.onFailure())).isEqualTo(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(5));
        assertThat(replaceDelay(backoff.onFailure())).isEqualTo(Duration.ofSeconds(4));
        assertThat(replaceDelay(backoff.onFailure())).isEqualTo(Duration.ofSeconds(8));
        assertThat(replaceDelay(backoff.onFailure())).isEqualTo(Duration.ofSeconds(16));
        assertThat(backoff.recentFailures()).isEqualTo(5);

        StreamThreadBackoff.Decision sixth = backoff.onFailure();
        assertThat(sixth).isEqualTo(new StreamThreadBackoff.ShutDown(6));
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() {
        ManualClock clock = new ManualClock();
        StreamThreadBudget budget = new StreamThreadBudget(2, Duration.ofMinutes(10), Duration.ofSeconds(1),
                Duration.ofSeconds(30));
        StreamThreadBackoff backoff = new StreamThreadBackoff(budget, clock);

        assertThat(backoff.onFailure()).isEqualTo(new StreamThreadBackoff.Replace(1, Duration.ofSeconds(1)));
        clock.advance(Duration.ofMinutes(6));
        assertThat(backoff.onFailure()).isEqualTo(new StreamThreadBackoff.Replace(2, Duration.ofSeconds(2)));
        clock.advance(Duration.ofMinutes(5));
        assertThat(backoff.recentFailures()).as("the first left the window").isEqualTo(1);
        assertThat(backoff.onFailure()).as("so this is the second within 10 minutes, and the delay grows from there")
                .isEqualTo(new StreamThreadBackoff.Replace(2, Duration.ofSeconds(2)));
        assertThat(backoff.onFailure()).isEqualTo(new StreamThreadBackoff.ShutDown(3));

        clock.advance(Duration.ofMinutes(11));
        assertThat(backoff.recentFailures()).isZero();
    }

    @Test
    void aBudgetOfZeroShutsDownOnTheFirstFailure() {
        StreamThreadBackoff backoff = new StreamThreadBackoff(StreamThreadBudget.defaults().withMaxReplacements(0),
                new ManualClock());
        assertThat(backoff.onFailure()).isEqualTo(new StreamThreadBackoff.ShutDown(1));
    }

    @Test
    void theDelayNeverExceedsTheCapNorOverflows() {
        StreamThreadBudget budget = new StreamThreadBudget(1_000, Duration.ofMinutes(10), Duration.ofMillis(100),
                Duration.ofMillis(700));
        assertThat(budget.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(budget.backoff(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(budget.backoff(4)).isEqualTo(Duration.ofMillis(700));
        assertThat(budget.backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofMillis(700));
        assertThat(Backoff.exponential(ModelWatcher.RETRY_INITIAL, ModelWatcher.RETRY_MAX, 7))
                .as("model loads: 1, 2, 4, 8, 16, 32, then 60 s").isEqualTo(Duration.ofSeconds(60));
        assertThat(Backoff.exponential(ModelWatcher.RETRY_INITIAL, ModelWatcher.RETRY_MAX, 6))
                .isEqualTo(Duration.ofSeconds(32));
    }

    @Test
    void invalidBudgetsFailNamingTheField() {
        assertThatThrownBy(() -> StreamThreadBudget.defaults().withMaxReplacements(-1))
                .hasMessage("maxReplacements must not be negative, got -1");
        assertThatThrownBy(() -> new StreamThreadBudget(1, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessage("window must be positive, got PT0S");
        assertThatThrownBy(() -> new StreamThreadBudget(1, Duration.ofMinutes(1), Duration.ofSeconds(2),
                Duration.ofSeconds(1))).hasMessage("maxBackoff must be at least initialBackoff (PT2S), got PT1S");
    }
}
