package io.vitsom.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.Fixtures;
import io.vitsom.stream.testing.SaslPlain;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Serving against a broker that only takes SASL_PLAINTEXT (PLAIN) logins. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ServingSaslTest {
    private static final Topics TOPICS = Topics.defaults();

    @TempDir
    Path dir;

    @Test
    void assignsEndToEndWithTheRightCredentialsAndRefusesAWrongPasswordAtOnceNamingTheUser() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(dir.resolve("kafka"), 0, 0)
                .withSaslPlainUsers(Map.of("serving", "serving-pw")))) {
            KafkaClients right = KafkaClients.of(kafka.bootstrapServers(), SaslPlain.properties("serving", "serving-pw"));
            ServingConfig config = ServingConfig.defaults().withStateDir(dir.resolve("state"));
            Properties producerProps = right.base("test-producer");
            producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
            Properties consumerProps = right.base("test-assignments");
            consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "test-assignments");
            consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (ServingService service = ServingService.start(config, right, TOPICS, new SimpleMeterRegistry());
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                         new ByteArraySerializer());
                 KafkaConsumer<String, byte[]> assignments = new KafkaConsumer<>(consumerProps,
                         new StringDeserializer(), new ByteArrayDeserializer())) {
                // End to end through every client of the service: the model watcher's consumer reads the model, the
                // Streams application assigns the image and writes the assignment.
                producer.send(new ProducerRecord<>(TOPICS.models().name(), "latest", Messages.toJson(
                        AssignmentTopologyTest.version(1, Fixtures.tinyCheckpoint(dir.resolve("v1"), 1, 10))))).get();
                assertThat(service.models().awaitFirst(Duration.ofSeconds(60))).isPresent();
                RecordHeaders headers = new RecordHeaders();
                ImageRecord.write(headers, new ImageRecord.Metadata(ImageRecord.PNG, "test", Optional.empty(),
                        Instant.now()));
                producer.send(new ProducerRecord<>(TOPICS.imagesValid().name(), null, "sasl-image",
                        Fixtures.pngImages(1, 3)[0], headers)).get();
                assignments.subscribe(List.of(TOPICS.assignments().name()));
                List<String> keys = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (keys.isEmpty() && System.nanoTime() < deadline) {
                    assignments.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
                }
                assertThat(keys).containsExactly("sasl-image");
            }

            KafkaClients wrong = KafkaClients.of(kafka.bootstrapServers(), SaslPlain.properties("serving", "nope"));
            long start = System.nanoTime();
            assertThatThrownBy(() -> ServingService.start(config, wrong, TOPICS, new SimpleMeterRegistry()))
                    .isInstanceOf(KafkaException.class)
                    .hasMessageStartingWith("Kafka authentication failed for user 'serving' at "
                            + kafka.bootstrapServers() + " (SASL_PLAINTEXT, PLAIN): ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }
}
