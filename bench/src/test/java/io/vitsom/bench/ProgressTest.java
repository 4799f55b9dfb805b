package io.vitsom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void plainLogLinesShowCountPercentAndStatus() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), "train", 4, false, 0);
        progress.update(1, "loss 0.5");
        progress.update(4, "loss 0.1");
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("train [#####...............]  25% 1/4").contains("loss 0.5");
        assertThat(out).contains("100% 4/4").contains("loss 0.1");
    }

    @Test
    void countsBeyondTheTotalDoNotBreakTheBar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), "x", 10, false, 0);
        progress.update(12, "");
        progress.update(-1, "");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("[####################] 100% 12/10");
    }
}
