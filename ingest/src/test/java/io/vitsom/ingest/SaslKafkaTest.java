package io.vitsom.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.KafkaClientProperties;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import io.vitsom.stream.ValidationConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The services against a broker that only accepts SASL_PLAINTEXT (PLAIN) logins, configured the way a user does it:
 * a properties file given to {@code --kafka-config}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SaslKafkaTest {
    private static final int SIZE = 32;
    private static final String USER = "alice";
    private static final String PASSWORD = "alice-pw-0d9f";
    private static final String WRONG_PASSWORD = "not-alices-pw";

    @TempDir
    static Path tmp;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0)
                .withSaslPlainUsers(Map.of(USER, PASSWORD)));
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    /** What a user writes into the file given to --kafka-config. */
    private static Path clientConfig(String name, String password) throws IOException {
        return Files.writeString(tmp.resolve(name), """
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\
                    username="%s" password="%s";
                """.formatted(USER, password));
    }

    @Test
    void withTheRightCredentialsAnImageGoesThroughValidationEndToEnd() throws Exception {
        KafkaClients clients = KafkaClients.of(kafka.bootstrapServers(),
                KafkaClientProperties.load(clientConfig("alice.properties", PASSWORD)));
        Topics topics = TopicSetup.renamed("s-images", "s-images.valid", "s-images.dlq");
        ValidationServiceConfig config = ValidationServiceConfig.of(new ValidationConfig(1, SIZE, false, false))
                .withApplicationId("validation-sasl-test")
                .withTopics(topics)
                .withStateDir(tmp.resolve("streams"));
        byte[] pixels = new byte[SIZE * SIZE];
        Arrays.fill(pixels, (byte) 7);
        byte[] png = ImageCodec.encodePng(1, SIZE, SIZE, pixels);

        try (ValidationService service = new ValidationService(config, clients, new SimpleMeterRegistry())) {
            // Admin client (topic creation), then the Streams application's consumer, producer and admin client.
            service.start();
            // Producer and consumer below come from the same KafkaClients: they log in the same way.
            var producerProps = clients.base("test-producer");
            producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                    new ByteArraySerializer())) {
                RecordHeaders headers = new RecordHeaders();
                ImageRecord.write(headers, new ImageRecord.Metadata(ImageRecord.PNG, "test", Optional.empty(),
                        Instant.now()));
                producer.send(new ProducerRecord<>(topics.images().name(), null, "sasl-1", png, headers))
                        .get(30, TimeUnit.SECONDS);
            }

            List<ConsumerRecord<String, byte[]>> valid = read(clients, topics.imagesValid().name(), 1);

            assertThat(valid).extracting(ConsumerRecord::key).containsExactly("sasl-1");
            assertThat(valid.get(0).value()).isEqualTo(png);
        }
    }

    @Test
    void aWrongPasswordFailsAtOnceWithOneLineNamingUserAddressAndFile() throws Exception {
        Path file = clientConfig("wrong.properties", WRONG_PASSWORD);
        KafkaClients clients = KafkaClients.of(kafka.bootstrapServers(), KafkaClientProperties.load(file));
        // The default start timeout (60 s): the failure must come from the broker's answer, not from waiting.
        ValidationServiceConfig config = ValidationServiceConfig.of(new ValidationConfig(1, SIZE, false, false))
                .withStateDir(tmp.resolve("streams-wrong"));
        long start = System.nanoTime();

        try (ValidationService service = new ValidationService(config, clients, new SimpleMeterRegistry())) {
            assertThatThrownBy(service::start)
                    .isInstanceOf(KafkaException.class)
                    .hasMessageStartingWith("Kafka authentication failed for user 'alice' at " + kafka.bootstrapServers()
                            + " (SASL_PLAINTEXT, PLAIN): ")
                    .hasMessageContaining("check the credentials in " + file.toAbsolutePath())
                    .hasMessageNotContaining(WRONG_PASSWORD)
                    .hasMessageNotContaining("\n");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void theValidateCommandPrintsTheAuthenticationFailureAsOneErrorLine() throws Exception {
        Path file = clientConfig("wrong-cli.properties", WRONG_PASSWORD);
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new IngestCommand());
        cli.setErr(new PrintWriter(err, true));

        int status = cli.execute("validate", "--bootstrap", kafka.bootstrapServers(), "--kafka-config", file.toString(),
                "--config", Path.of("..", "configs", "vit_som_mnist.yaml").toString(), "--port", "0",
                "--state-dir", tmp.resolve("streams-cli").toString());

        assertThat(status).isEqualTo(IngestCommand.KAFKA_FAILURE);
        assertThat(err.toString().lines().toList()).singleElement().asString()
                .startsWith("error: Kafka authentication failed for user 'alice' at " + kafka.bootstrapServers())
                .doesNotContain(WRONG_PASSWORD);
    }

    private static List<ConsumerRecord<String, byte[]>> read(KafkaClients clients, String topic, int count) {
        var props = clients.base("test-reader");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-sasl-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TestKafka.TIMEOUT.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }
}
