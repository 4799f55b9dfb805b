package io.vitsom.stream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.stream.KafkaClientProperties;
import io.vitsom.stream.KafkaClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class KafkaCliOptionsTest {
    @Command(name = "service")
    static final class Service {
        @Mixin
        KafkaCliOptions kafka = new KafkaCliOptions();
    }

    @TempDir
    Path dir;

    @Test
    void bootstrapAndKafkaConfigBuildTheClients() throws IOException {
        Path file = Files.writeString(dir.resolve("client.properties"), "security.protocol=SSL\n");
        Service service = new Service();

        new CommandLine(service).parseArgs("--bootstrap", "kafka:9093", "--kafka-config", file.toString());
        KafkaClients clients = service.kafka.clients();

        assertThat(clients.bootstrapServers()).isEqualTo("kafka:9093");
        assertThat(clients.properties().values()).containsEntry("security.protocol", "SSL");
        assertThat(clients.properties().file()).contains(file.toAbsolutePath());
    }

    @Test
    void withoutOptionsTheServiceLooksForTheLocalBrokerWithNoExtraSettings() {
        Service service = new Service();

        new CommandLine(service).parseArgs();

        assertThat(service.kafka.clients()).isEqualTo(KafkaClients.of("127.0.0.1:9092"));
        assertThat(service.kafka.clients().properties()).isEqualTo(KafkaClientProperties.none());
    }

    @Test
    void helpListsBothOptions() {
        String usage = new CommandLine(new Service()).getUsageMessage();

        assertThat(usage).contains("--bootstrap=H:P").contains("default: 127.0.0.1:9092").contains("--kafka-config=FILE");
    }

    @Test
    void aMissingConfigFileFailsWhenTheClientsAreBuiltNamingTheFile() {
        Service service = new Service();
        new CommandLine(service).parseArgs("--kafka-config", dir.resolve("missing.properties").toString());

        assertThatThrownBy(service.kafka::clients)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.resolve("missing.properties").toAbsolutePath().toString());
    }
}
