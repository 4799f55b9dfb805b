package io.vitsom.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vitsom.model.data.ImageCodec;
import io.vitsom.stream.testing.SaslPlain;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starts the real in-process broker; the whole class stays well under 20 s on 2 cores. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedKafkaTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Topics TOPICS = Topics.defaults();

    @TempDir
    Path dataDir;

    @Test
    void brokerCreatesTheTopicsAndAnImageRecordRoundTrips() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(dataDir, 0, 0));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");

            assertThat(TOPICS.createMissing(admin, (short) 1, TIMEOUT))
                    .containsExactlyInAnyOrderElementsOf(TOPICS.all().stream().map(Topic::name).toList());
            // A second call finds them all and creates nothing.
            assertThat(TOPICS.createMissing(admin, (short) 1, TIMEOUT)).isEmpty();
            assertThat(admin.describeTopics(List.of("images")).allTopicNames().get().get("images").partitions())
                    .hasSize(TOPICS.images().partitions());
            ConfigResource prototypes = new ConfigResource(ConfigResource.Type.TOPIC, TOPICS.prototypes().name());
            Config config = admin.describeConfigs(List.of(prototypes)).all().get().get(prototypes);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            assertThat(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value())
                    .isEqualTo(Integer.toString(Topics.MAX_RECORD_BYTES));

            byte[] png = ImageCodec.encodePng(1, 28, 28, new byte[28 * 28]);
            ImageRecord.Metadata metadata = new ImageRecord.Metadata(ImageRecord.PNG, "test", Optional.of("3"),
                    Instant.ofEpochMilli(1_700_000_000_123L));
            RecordMetadata sent;
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"),
                    TOPICS.images().keySerde().serializer(), TOPICS.images().valueSerde().serializer())) {
                sent = producer.send(new ProducerRecord<>(TOPICS.images().name(), null, "img-1", png,
                        ImageRecord.write(new RecordHeaders(), metadata))).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }

            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    TOPICS.images().keySerde().deserializer(), TOPICS.images().valueSerde().deserializer())) {
                consumer.subscribe(List.of(TOPICS.images().name()));
                List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (received.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                }
                assertThat(received).hasSize(1);
                ConsumerRecord<String, byte[]> record = received.get(0);
                assertThat(record.key()).isEqualTo("img-1");
                assertThat(record.value()).isEqualTo(png);
                assertThat(record.partition()).isEqualTo(sent.partition());
                assertThat(record.offset()).isEqualTo(sent.offset());
                assertThat(ImageRecord.read(record.headers())).isEqualTo(metadata);
            }
        }
    }

    @Test
    void saslPlainListenerLetsTheRightUserInAndRefusesAWrongPasswordAtOnceWithOneClearLine() throws Exception {
        EmbeddedKafka.Settings settings = new EmbeddedKafka.Settings(dataDir, 0, 0)
                .withSaslPlainUsers(Map.of("alice", "alice-secret"));
        assertThat(settings.toString()).contains("alice").doesNotContain("alice-secret");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(settings)) {
            KafkaClients alice = KafkaClients.of(kafka.bootstrapServers(), SaslPlain.properties("alice", "alice-secret"));
            try (Admin admin = alice.admin("test-admin")) {
                assertThat(TOPICS.createMissing(admin, (short) 1, TIMEOUT)).contains(TOPICS.images().name());
            }
            Properties producerProps = alice.base("test-producer");
            producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps,
                    TOPICS.images().keySerde().serializer(), TOPICS.images().valueSerde().serializer())) {
                producer.send(new ProducerRecord<>(TOPICS.images().name(), "k", new byte[] {1, 2, 3}))
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }

            // Without credentials the SASL listener does not talk to a client at all; with a wrong password the
            // broker refuses the login, and the admin call fails with that reason, not after its timeout.
            KafkaClients intruder = KafkaClients.of(kafka.bootstrapServers(), SaslPlain.properties("alice", "wrong"));
            long start = System.nanoTime();
            Throwable failure;
            try (Admin admin = intruder.admin("test-intruder")) {
                failure = catchThrowable(() -> admin.describeCluster().clusterId().get(TIMEOUT.toMillis(),
                        TimeUnit.MILLISECONDS));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            assertThat(failure).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
            KafkaException explained = intruder.authenticationFailure(failure).orElseThrow();
            assertThat(explained.getMessage())
                    .startsWith("Kafka authentication failed for user 'alice' at " + kafka.bootstrapServers()
                            + " (SASL_PLAINTEXT, PLAIN): ")
                    .doesNotContain("wrong")
                    .doesNotContain("\n");
            assertThat(alice.authenticationFailure(new KafkaException("timed out"))).isEmpty();
        }
    }

    @Test
    void aTakenPortIsReportedByNumber() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedKafka.start(new EmbeddedKafka.Settings(dataDir, port, 0)))
                    .isInstanceOf(KafkaException.class)
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("already in use");
        }
    }
}
