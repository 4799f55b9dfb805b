package io.vitsom.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.data.ImageCodec;
import io.vitsom.model.data.ImageDecodeException;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import io.vitsom.stream.ValidationConfig;
import io.vitsom.stream.ValidationTopology;
import io.vitsom.stream.testing.Fixtures;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The validation service end to end on a real in-process broker. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ValidationServiceTest {
    private static final int SIZE = 32;
    /** Small enough that a 32x32 noise PNG (over 1 KB) does not fit, large enough for a flat one. */
    private static final int VALID_TOPIC_MAX_BYTES = 800;

    @TempDir
    static Path tmp;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0));
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private static byte[] flatPng(int size, int value) {
        byte[] pixels = new byte[size * size];
        Arrays.fill(pixels, (byte) value);
        return ImageCodec.encodePng(1, size, size, pixels);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String key) {
        return ImageRecord.get(record.headers(), key).orElse(null);
    }

    @Test
    void validImagesPassAndEveryBadOneLandsInTheDlqWithItsReason() throws Exception {
        Topics topics = TopicSetup.renamed("v-images", "v-images.valid", "v-images.dlq");
        // The valid topic refuses large records: what the production exception handler must route to the DLQ.
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.imagesValid().name(), 1, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(VALID_TOPIC_MAX_BYTES)))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        ValidationServiceConfig config = ValidationServiceConfig.of(new ValidationConfig(1, SIZE, false, false))
                .withApplicationId("validation-test")
                .withTopics(topics)
                .withStateDir(tmp.resolve("streams"));
        byte[] truncated = flatPng(SIZE, 10);
        truncated = Arrays.copyOf(truncated, truncated.length / 2);
        byte[] noise = Fixtures.pngImages(1, 5, 1, SIZE)[0];
        assertThat(noise.length).isGreaterThan(VALID_TOPIC_MAX_BYTES);

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ValidationService service = new ValidationService(config, KafkaClients.of(kafka.bootstrapServers()),
                registry)) {
            assertThat(service.health().getString("status")).isEqualTo("DOWN");
            assertThat(service.health().getString("reason")).isEqualTo(ValidationService.NOT_RUNNING);
            service.start();
            assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(service.health().getString("status")).isEqualTo("UP");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                    new StringSerializer(), new ByteArraySerializer())) {
                send(producer, topics, "good-1", flatPng(SIZE, 1));
                send(producer, topics, "good-2", flatPng(SIZE, 2));
                send(producer, topics, "truncated", truncated);
                send(producer, topics, "wrong-size", flatPng(SIZE + 4, 3));
                send(producer, topics, "text", "not an image".getBytes(StandardCharsets.UTF_8));
                send(producer, topics, "empty", new byte[0]);
                send(producer, topics, "too-large-for-valid", noise);
                send(producer, topics, "good-3", flatPng(SIZE, 4));
                producer.flush();
            }
            List<ConsumerRecord<String, byte[]>> valid = TestKafka.read(kafka.bootstrapServers(),
                    topics.imagesValid().name(), 3);
            Map<String, ConsumerRecord<String, byte[]>> dead = TestKafka.read(kafka.bootstrapServers(),
                    topics.imagesDlq().name(), 5).stream().collect(Collectors.toMap(ConsumerRecord::key, r -> r));

            assertThat(valid).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("good-1", "good-2", "good-3");
            assertThat(ImageRecord.read(valid.get(0).headers()).source()).isEqualTo("test");
            assertThat(dead).containsOnlyKeys("truncated", "wrong-size", "text", "empty", "too-large-for-valid");
            assertThat(header(dead.get("truncated"), ImageRecord.DLQ_REASON)).isEqualTo(ImageDecodeException.TRUNCATED);
            assertThat(header(dead.get("wrong-size"), ImageRecord.DLQ_REASON)).isEqualTo(ValidationTopology.WRONG_SIZE);
            assertThat(header(dead.get("text"), ImageRecord.DLQ_REASON)).isEqualTo(ImageDecodeException.NOT_AN_IMAGE);
            assertThat(header(dead.get("empty"), ImageRecord.DLQ_REASON)).isEqualTo(ImageDecodeException.EMPTY);
            ConsumerRecord<String, byte[]> tooLarge = dead.get("too-large-for-valid");
            assertThat(header(tooLarge, ImageRecord.DLQ_REASON)).isEqualTo(DeadLetterProductionExceptionHandler.TOO_LARGE);
            assertThat(header(tooLarge, ImageRecord.DLQ_DETAIL)).contains("v-images.valid");
            assertThat(header(tooLarge, ImageRecord.DLQ_TOPIC)).isEqualTo("v-images");
            assertThat(tooLarge.value()).isEqualTo(noise);
            assertThat(ImageRecord.read(tooLarge.headers()).source()).isEqualTo("test");
            assertThat(dead.get("text").value()).isEqualTo("not an image".getBytes(StandardCharsets.UTF_8));
            assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
            // Counted by outcome and reason (the oversized record passed validation; Kafka refused it afterwards).
            assertThat(validationCount(registry, IngestMetrics.ACCEPTED, IngestMetrics.NO_REASON)).isEqualTo(4);
            for (String reason : List.of(ImageDecodeException.TRUNCATED, ValidationTopology.WRONG_SIZE,
                    ImageDecodeException.NOT_AN_IMAGE, ImageDecodeException.EMPTY)) {
                assertThat(validationCount(registry, IngestMetrics.REJECTED, reason)).as(reason).isEqualTo(1);
            }
        }
    }

    private static double validationCount(SimpleMeterRegistry registry, String outcome, String reason) {
        return registry.get(IngestMetrics.RECORDS).tag(IngestMetrics.SOURCE, "validation")
                .tag(IngestMetrics.OUTCOME, outcome).tag(IngestMetrics.REASON, reason).counter().count();
    }

    private static void send(KafkaProducer<String, byte[]> producer, Topics topics, String key, byte[] value)
            throws Exception {
        RecordHeaders headers = new RecordHeaders();
        ImageRecord.write(headers, new ImageRecord.Metadata(ImageRecord.PNG, "test", Optional.empty(), Instant.now()));
        producer.send(new ProducerRecord<>(topics.images().name(), null, key, value, headers)).get(30, TimeUnit.SECONDS);
    }

    @Test
    void startFailsWithAClearMessageWhenTheBrokerIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            closedPort = socket.getLocalPort();
        }
        ValidationServiceConfig config = ValidationServiceConfig.of(new ValidationConfig(1, SIZE, false, false))
                .withStartTimeout(Duration.ofSeconds(2))
                .withStateDir(tmp.resolve("streams-unreachable"));
        try (ValidationService service = new ValidationService(config, KafkaClients.of("127.0.0.1:" + closedPort),
                new SimpleMeterRegistry())) {
            assertThatThrownBy(service::start)
                    .isInstanceOf(KafkaException.class)
                    .hasMessageContaining("cannot reach Kafka at 127.0.0.1:" + closedPort);
            assertThat(service.health().getString("status")).isEqualTo("DOWN");
            assertThat(service.health().getString("reason")).isEqualTo(ValidationService.NOT_RUNNING);
        }
    }
}
