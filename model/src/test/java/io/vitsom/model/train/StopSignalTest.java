package io.vitsom.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StopSignalTest {
    @Test
    void aLoopRunsOnUntilAStopIsRequestedAndKeepsTheFirstReason() {
        StopSignal stop = new StopSignal();
        assertThat(stop.isRequested()).isFalse();
        assertThatCode(stop::throwIfRequested).doesNotThrowAnyException();

        stop.request("first");
        stop.request("second");

        assertThat(stop.isRequested()).isTrue();
        assertThat(stop.reason()).isEqualTo("first");
        assertThatThrownBy(stop::throwIfRequested).isInstanceOf(StopRequestedException.class).hasMessage("first");
    }
}
