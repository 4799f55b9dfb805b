package io.vitsom.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Defaults, validation, and how the {@code serve} options map onto the config records. */
class ServingConfigTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        ServingConfig serving = ServingConfig.defaults();
        assertThat(serving.applicationId()).isEqualTo("vitsom-serving");
        assertThat(serving.threads()).isEqualTo(1);
        assertThat(serving.processingGuarantee().configValue()).isEqualTo("at_least_once");
        assertThat(serving.batch()).isEqualTo(new BatchConfig(256, Duration.ofMillis(20)));
        assertThat(serving.topologyWindow()).isEqualTo(2_000);
        assertThat(serving.threadBudget()).isEqualTo(new StreamThreadBudget(5, Duration.ofMinutes(10),
                Duration.ofSeconds(1), Duration.ofSeconds(30)));
        ServingHttpConfig http = ServingHttpConfig.defaults();
        assertThat(http.port()).isEqualTo(8080);
        assertThat(http.workerThreads()).isEqualTo(2);
        assertThat(http.maxPending()).isEqualTo(16);
        assertThat(http.auth().enabled()).isFalse();
    }

    @Test
    void httpBindsThisMachineOnlyByDefault() {
        assertThat(ServingHttpConfig.defaults().host()).isEqualTo("127.0.0.1");
        ServeCommand command = new ServeCommand();
        new CommandLine(command).parseArgs();
        assertThat(command.httpConfig().host()).isEqualTo("127.0.0.1");
    }

    @Test
    void authTokenFileTurnsAuthOnAndAnUnreadableOneFailsNamingTheFile(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
        ServeCommand command = new ServeCommand();
        new CommandLine(command).parseArgs("--host", "0.0.0.0", "--auth-token-file", token.toString());
        ServingHttpConfig http = command.httpConfig();
        assertThat(http.host()).isEqualTo("0.0.0.0");
        assertThat(http.auth().accepts("Bearer s3cret")).isTrue();
        assertThat(http.auth().accepts("Bearer other")).isFalse();
        assertThat(http.toString()).doesNotContain("s3cret");

        ServeCommand missing = new ServeCommand();
        new CommandLine(missing).parseArgs("--auth-token-file", dir.resolve("absent").toString());
        assertThatThrownBy(missing::httpConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.resolve("absent").toString());
    }

    @Test
    void serveOptionsWithoutArgumentsGiveTheDefaults() {
        ServeCommand command = new ServeCommand();
        new CommandLine(command).parseArgs();
        assertThat(command.kafka.bootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(command.servingConfig()).isEqualTo(ServingConfig.defaults());
        assertThat(command.httpConfig()).isEqualTo(ServingHttpConfig.defaults());
    }

    @Test
    void serveOptionsMapOntoTheirSettings() {
        ServeCommand command = new ServeCommand();
        new CommandLine(command).parseArgs("--bootstrap", "kafka:9093", "--port", "9000", "--host", "127.0.0.1",
                "--batch-size", "16", "--max-delay-ms", "5", "--application-id", "serving-b", "--threads", "2",
                "--processing-guarantee", "exactly-once-v2", "--state-dir", "/tmp/s", "--window", "500");
        assertThat(command.kafka.bootstrap()).isEqualTo("kafka:9093");
        assertThat(command.servingConfig()).isEqualTo(new ServingConfig("serving-b", 2,
                ServingConfig.ProcessingGuarantee.EXACTLY_ONCE_V2, new BatchConfig(16, Duration.ofMillis(5)),
                Path.of("/tmp/s"), 500));
        assertThat(command.httpConfig()).isEqualTo(ServingHttpConfig.defaults().withAddress("127.0.0.1", 9000));

        ServeCommand strict = new ServeCommand();
        new CommandLine(strict).parseArgs("--max-thread-replacements", "0");
        assertThat(strict.servingConfig().threadBudget())
                .isEqualTo(StreamThreadBudget.defaults().withMaxReplacements(0));
    }

    @Test
    void invalidValuesFailNamingTheProblem() {
        assertThatThrownBy(() -> new BatchConfig(0, Duration.ofMillis(20))).hasMessage("batchSize must be positive, got 0");
        assertThatThrownBy(() -> new BatchConfig(8, Duration.ZERO)).hasMessageContaining("maxDelay must be at least 1 ms");
        assertThatThrownBy(() -> ServingConfig.ProcessingGuarantee.fromConfig("exactly_once"))
                .hasMessage("processing guarantee must be at_least_once or exactly_once_v2, got 'exactly_once'");
        assertThatThrownBy(() -> ServingConfig.defaults().withStateDir(null)).hasMessage("stateDir");
        assertThatThrownBy(() -> ServingConfig.defaults().withTopologyWindow(0))
                .hasMessage("topologyWindow must be positive, got 0");
        assertThatThrownBy(() -> ServingConfig.defaults().withThreadBudget(null)).hasMessage("threadBudget");
        ServeCommand negative = new ServeCommand();
        new CommandLine(negative).parseArgs("--max-thread-replacements", "-1");
        assertThatThrownBy(negative::servingConfig).hasMessage("maxReplacements must not be negative, got -1");
        assertThatThrownBy(() -> ServingHttpConfig.defaults().withAddress("0.0.0.0", 70000))
                .hasMessage("port must be in [0, 65535], got 70000");
        assertThatThrownBy(() -> ServingHttpConfig.defaults().withCapacity(4, 3))
                .hasMessage("maxPending must be at least workerThreads (4), got 3");
    }
}
