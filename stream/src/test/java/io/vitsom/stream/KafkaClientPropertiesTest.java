package io.vitsom.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"alice\" password=\"s3cret-Value\";";

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("kafka-client.properties");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void loadsAFileOfClientSettings() throws IOException {
        Path file = write("""
                # a SASL_SSL cluster
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=%s
                ssl.truststore.location=/etc/kafka/truststore.jks
                ssl.truststore.password=changeit
                max.poll.records=100
                """.formatted(JAAS));

        KafkaClientProperties loaded = KafkaClientProperties.load(file);

        assertThat(loaded.file()).contains(file.toAbsolutePath());
        assertThat(loaded.values()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("sasl.jaas.config", JAAS),
                Map.entry("ssl.truststore.location", "/etc/kafka/truststore.jks"),
                Map.entry("ssl.truststore.password", "changeit"),
                Map.entry("max.poll.records", "100"));
        assertThat(loaded.saslUsername()).contains("alice");
    }

    @Test
    void maskedViewAndToStringNeverShowSecrets() throws IOException {
        KafkaClientProperties loaded = KafkaClientProperties.load(write("""
                security.protocol=SASL_SSL
                sasl.jaas.config=%s
                ssl.truststore.password=changeit
                ssl.key.password=keypass
                """.formatted(JAAS)));

        assertThat(loaded.masked()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.jaas.config", KafkaClientProperties.HIDDEN),
                Map.entry("ssl.truststore.password", KafkaClientProperties.HIDDEN),
                Map.entry("ssl.key.password", KafkaClientProperties.HIDDEN));
        assertThat(loaded.toString()).contains("SASL_SSL")
                .doesNotContain("s3cret-Value").doesNotContain("changeit").doesNotContain("keypass");
        // The record that carries them into every service is what a service might log.
        assertThat(KafkaClients.of("kafka:9092", loaded).toString())
                .contains("kafka:9092").doesNotContain("s3cret-Value").doesNotContain("changeit");
    }

    @Test
    void aMissingFileFailsNamingIt() {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> KafkaClientProperties.load(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Kafka client config " + missing.toAbsolutePath() + " does not exist or is not a file");
    }

    @Test
    void bootstrapServersInTheFileIsRefusedPointingAtTheOption() throws IOException {
        Path file = write("bootstrap.servers=other:9092\nsecurity.protocol=SASL_SSL\n");

        assertThatThrownBy(() -> KafkaClientProperties.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("bootstrap.servers may not be set here")
                .hasMessageContaining("--bootstrap");
    }

    @Test
    void eachServicesOwnIdentityIsRefused() {
        for (String key : new String[] {"client.id", "application.id", "group.id"}) {
            assertThatThrownBy(() -> KafkaClientProperties.of(Map.of(key, "x")))
                    .as(key)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(key + " may not be set here");
        }
    }

    @Test
    void aBrokerSettingOrATypoFailsInsteadOfBeingIgnored() throws IOException {
        Path broker = write("listeners=PLAINTEXT://:9092\n");
        assertThatThrownBy(() -> KafkaClientProperties.load(broker))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Kafka client config " + broker.toAbsolutePath() + ": unknown setting listeners "
                        + "(not a Kafka producer, consumer, admin or Streams setting)");

        assertThatThrownBy(() -> KafkaClientProperties.of(Map.of("securty.protocol", "SSL")))
                .hasMessageContaining("unknown setting securty.protocol");
    }

    @Test
    void anInvalidValueFailsNamingTheKeyAndTheValue() {
        assertThatThrownBy(() -> KafkaClientProperties.of(Map.of("security.protocol", "SASL_TLS")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid value for security.protocol")
                .hasMessageContaining("SASL_TLS");
        assertThatThrownBy(() -> KafkaClientProperties.of(Map.of("request.timeout.ms", "soon")))
                .hasMessageContaining("invalid value for request.timeout.ms");
    }

    @Test
    void settingsReachEveryKindOfClientButTheServicesOwnValuesWin() {
        KafkaClientProperties extra = KafkaClientProperties.of(Map.of(
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config", JAAS,
                "linger.ms", "50"));
        KafkaClients clients = KafkaClients.of("broker:9093", extra);

        Properties base = clients.base("vitsom-test");
        assertThat(base).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("bootstrap.servers", "broker:9093").containsEntry("client.id", "vitsom-test");
        // A service that sets a key itself keeps its value: what the ingest producers do with acks=all.
        base.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        assertThat(new ProducerConfig(withSerializers(base)).getLong(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo(5L);

        // Streams hands the security settings on to the producer, consumer and admin clients it builds.
        StreamsConfig streams = new StreamsConfig(clients.streams("vitsom-serving"));
        assertThat(streams.getMainConsumerConfigs("g", "c", 0))
                .containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN");
        assertThat(streams.getProducerConfigs("p")).containsEntry("security.protocol", "SASL_PLAINTEXT")
                // Streams' own producer linger (ours) wins over the file's.
                .containsEntry("linger.ms", KafkaClients.STREAMS_LINGER_MS);
        assertThat(streams.getAdminConfigs("a")).containsEntry("security.protocol", "SASL_PLAINTEXT");
        assertThat(streams.getString(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("vitsom-serving");
    }

    @Test
    void theDocumentedExampleFileLoads() {
        // The file the README points users to; Maven runs the tests in the module's directory.
        KafkaClientProperties example = KafkaClientProperties.load(Path.of("..", "deploy",
                "kafka-client.properties.example"));

        assertThat(example.values()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsKey("sasl.jaas.config");
        assertThat(example.saslUsername()).contains("vitsom");
    }

    @Test
    void noExtraSettingsLeaveTheClientsAsBefore() {
        Properties base = KafkaClients.of("broker:9092").base("id");

        assertThat(base).containsOnlyKeys("bootstrap.servers", "client.id");
        assertThat(KafkaClientProperties.none().isEmpty()).isTrue();
        assertThat(KafkaClientProperties.none().saslUsername()).isEmpty();
    }

    private static Properties withSerializers(Properties props) {
        Properties copy = new Properties();
        copy.putAll(props);
        copy.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.StringSerializer");
        copy.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                "org.apache.kafka.common.serialization.ByteArraySerializer");
        return copy;
    }
}
