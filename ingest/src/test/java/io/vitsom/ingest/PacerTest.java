package io.vitsom.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PacerTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void unlimitedRateNeverWaits() {
        Pacer pacer = new Pacer(0, SECOND, 0);
        for (int i = 0; i < 1000; i++) {
            assertThat(pacer.reserve(0)).isZero();
        }
    }

    @Test
    void sendsAreSpacedOneIntervalApartWhenTheSenderIsInstant() {
        Pacer pacer = new Pacer(100, SECOND, 0);
        // Sender that does not advance the clock between reservations: each wait covers one more 10 ms slot.
        assertThat(pacer.reserve(0)).isZero();
        assertThat(pacer.reserve(0)).isEqualTo(10 * MS);
        assertThat(pacer.reserve(0)).isEqualTo(20 * MS);
    }

    @Test
    void aSenderThatSleepsAsToldHitsTheRateExactly() {
        Pacer pacer = new Pacer(3, SECOND, 0);
        long now = 0;
        for (int i = 0; i < 300; i++) {
            now += pacer.reserve(now);
        }
        // The 300th send is due at 299/3 s, rounded to the nanosecond: no drift from repeated rounding.
        assertThat(now).isEqualTo(Math.round(299 * 1e9 / 3));
    }

    @Test
    void timeSpentSendingIsNotAddedToTheInterval() {
        Pacer pacer = new Pacer(10, SECOND, 0);
        assertThat(pacer.reserve(0)).isZero();
        // The send took 30 ms of the 100 ms slot: wait only the remaining 70 ms.
        assertThat(pacer.reserve(30 * MS)).isEqualTo(70 * MS);
    }

    @Test
    void aSmallDelayIsCaughtUpWithoutWaiting() {
        Pacer pacer = new Pacer(10, SECOND, 0);
        pacer.reserve(0);
        // At 350 ms (less than the 1 s allowed lag behind) the slots at 100, 200 and 300 ms are due at once.
        assertThat(pacer.reserve(350 * MS)).isZero();
        assertThat(pacer.reserve(350 * MS)).isZero();
        assertThat(pacer.reserve(350 * MS)).isZero();
        assertThat(pacer.reserve(350 * MS)).isEqualTo(50 * MS);
    }

    @Test
    void aLongStallRestartsTheScheduleInsteadOfBursting() {
        Pacer pacer = new Pacer(10, SECOND, 0);
        pacer.reserve(0);
        long afterStall = 5 * SECOND;
        assertThat(pacer.reserve(afterStall)).isZero();
        // Without the restart, ~50 sends would be due at once; with it the next one is one interval later.
        assertThat(pacer.reserve(afterStall)).isEqualTo(100 * MS);
    }

    @Test
    void fractionalRatesWork() {
        Pacer pacer = new Pacer(0.5, SECOND, 0);
        pacer.reserve(0);
        assertThat(pacer.reserve(0)).isEqualTo(2 * SECOND);
    }

    @Test
    void invalidRatesAreRefused() {
        assertThatThrownBy(() -> new Pacer(-1, SECOND, 0)).hasMessageContaining("rate must be");
        assertThatThrownBy(() -> new Pacer(Double.NaN, SECOND, 0)).hasMessageContaining("rate must be");
        assertThatThrownBy(() -> new Pacer(Double.POSITIVE_INFINITY, SECOND, 0)).hasMessageContaining("rate must be");
    }
}
