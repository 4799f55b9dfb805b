package io.vitsom.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.stream.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A short {@code bench-faults} on the tiny model and synthetic images: three learner SIGKILLs, a broker restart, a
 * serving failover and two corrupt checkpoints, after which the audit must find every record trained exactly once,
 * every image assigned, and the model versions in order.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BenchFaultsCommandTest {
    @TempDir
    Path tmp;

    @Test
    void trainsEveryRecordExactlyOnceAndAssignsEveryImageDespiteTheFaults() throws Exception {
        Path data = tmp.resolve("synthetic");
        byte[][] images = Fixtures.pngImages(400, 3);
        for (int i = 0; i < images.length; i++) {
            Path file = data.resolve(i % 2 == 0 ? "a" : "b").resolve(String.format("img%04d.png", i));
            Files.createDirectories(file.getParent());
            Files.write(file, images[i]);
        }
        Path config = tmp.resolve("tiny.yaml");
        Files.writeString(config, ConfigLoader.toYaml(Fixtures.tinyConfig()));
        long seed = System.nanoTime();
        Path out = tmp.resolve("out");

        int status = new CommandLine(new BenchFaultsCommand()).execute("--data", data.toString(), "--config",
                config.toString(), "--kills", "3", "--seed", Long.toString(seed), "--images", "400", "--rate", "15",
                "--batch-timeout", "300ms", "--max-kill-delay-ms", "800", "--child-heap", "768m",
                "--out", out.toString());

        assertThat(status).isZero();
        JsonNode r = new ObjectMapper().readTree(out.resolve("faults.json").toFile());
        assertThat(r.path("seed").asLong()).isEqualTo(seed);
        assertThat(r.path("kills").asInt()).isEqualTo(3);
        assertThat(r.path("broker_restarts").asInt()).isEqualTo(1);
        assertThat(r.path("serving_failovers").asInt()).isEqualTo(1);
        assertThat(r.path("corrupt_checkpoints_detected").asInt()).as("%s", r).isEqualTo(2);
        assertThat(r.path("images_replayed").asLong()).isEqualTo(400);
        // Validation is at-least-once: the broker restart may make it pass an image on twice.
        assertThat(r.path("records_in").asLong()).isGreaterThanOrEqualTo(400);
        assertThat(r.path("records_lost").asLong()).as("%s", r).isZero();
        assertThat(r.path("records_trained_twice").asLong()).as("%s", r).isZero();
        assertThat(r.path("records_trained_exactly_once").asLong()).isEqualTo(r.path("records_in").asLong());
        assertThat(r.path("assignments_missing").asLong()).as("%s", r).isZero();
        assertThat(r.path("versions_monotonic").asBoolean()).as("%s", r).isTrue();
        assertThat(Files.readString(out.resolve("faults.md"))).contains("| records lost").contains("kill 3/3");
    }
}
