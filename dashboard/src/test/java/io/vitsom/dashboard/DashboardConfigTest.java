package io.vitsom.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.config.Distance;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DashboardConfigTest {
    private static final DashboardConfig DEFAULTS =
            DashboardConfig.defaults(KafkaClients.of("127.0.0.1:9092"), Topics.defaults());

    @Test
    void defaults() {
        assertThat(DEFAULTS.host()).as("this machine only unless --host says otherwise").isEqualTo("127.0.0.1");
        assertThat(DEFAULTS.auth().enabled()).isFalse();
        assertThat(DEFAULTS.port()).isEqualTo(8088);
        assertThat(DEFAULTS.window()).isEqualTo(2_000);
        assertThat(DEFAULTS.distance()).isEqualTo(Distance.COSINE);
        assertThat(DEFAULTS.sampleEvery()).isEqualTo(Duration.ofSeconds(2));
        assertThat(DEFAULTS.pushEvery()).isEqualTo(Duration.ofSeconds(1));
        assertThat(DEFAULTS.liveAssignments()).isEqualTo(20);
        assertThat(DEFAULTS.groups()).containsExactly("vitsom-learner", "vitsom-serving");
    }

    @Test
    void invalidValuesFailNamingTheField() {
        assertThatThrownBy(() -> DEFAULTS.withAddress("127.0.0.1", 70_000)).hasMessageContaining("port");
        assertThatThrownBy(() -> DEFAULTS.withWindow(0)).hasMessageContaining("window must be positive");
        assertThatThrownBy(() -> DEFAULTS.withIntervals(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("sampleEvery");
        assertThatThrownBy(() -> DEFAULTS.withGroups(List.of(" "))).hasMessageContaining("groups");
    }

    @Test
    void commandOptionsMapOntoTheConfig(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t0ken\n");
        DashboardCommand command = new DashboardCommand();
        new CommandLine(command).parseArgs("--bootstrap", "kafka:9092", "--host", "0.0.0.0", "--port", "9000",
                "--auth-token-file", token.toString(), "--window", "500",
                "--distance", "euclidean", "--sample-every", "5s", "--group", "learner-a",
                "--topic", "som.assignments=camera.assignments");
        DashboardConfig config = command.config();
        assertThat(config.clients().bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.auth().accepts("Bearer t0ken")).isTrue();
        assertThat(config.toString()).doesNotContain("t0ken");
        assertThat(config.window()).isEqualTo(500);
        assertThat(config.distance()).isEqualTo(Distance.EUCLIDEAN);
        assertThat(config.sampleEvery()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.groups()).containsExactly("learner-a");
        assertThat(config.topics().assignments().name()).isEqualTo("camera.assignments");

        DashboardCommand plain = new DashboardCommand();
        new CommandLine(plain).parseArgs();
        assertThat(plain.config().port()).isEqualTo(8088);
        assertThat(plain.config().host()).isEqualTo("127.0.0.1");
        assertThat(plain.config().groups()).isEqualTo(DashboardConfig.DEFAULT_GROUPS);
        DashboardCommand bad = new DashboardCommand();
        new CommandLine(bad).parseArgs("--topic", "som.nothing=x");
        assertThatThrownBy(bad::config).hasMessageContaining("unknown topic 'som.nothing'");
    }
}
