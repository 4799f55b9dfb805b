package io.vitsom.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.KafkaClientProperties;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole service against a real broker: it waits for a model, then assigns, and follows newer models. */
class ServingServiceTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void holdsImagesUntilTheFirstModelThenAssignsThemAndFollowsANewerModelWithoutRestart() throws Exception {
        Path v1 = Fixtures.tinyCheckpoint(dir.resolve("v1"), 1, 10);
        Path v2 = Fixtures.tinyCheckpoint(dir.resolve("v2"), 2, 20);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(dir.resolve("kafka"), 0, 0))) {
            KafkaClients clients = KafkaClients.of(kafka.bootstrapServers());
            ServingConfig config = ServingConfig.defaults().withStateDir(dir.resolve("state"));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Properties producerProps = clients.base("test-producer");
            producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
            try (ServingService service = ServingService.start(config, clients, TOPICS, registry);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps,
                         TOPICS.imagesValid().keySerde().serializer(), TOPICS.imagesValid().valueSerde().serializer());
                 KafkaConsumer<String, byte[]> assignments = assignmentsConsumer(clients)) {
                BlockingQueue<Long> inService = new LinkedBlockingQueue<>();
                service.models().addListener(version -> inService.add(version.version()));
                byte[][] pngs = Fixtures.pngImages(6, 3);
                for (int i = 0; i < 4; i++) {
                    send(producer, "early-" + i, pngs[i], Integer.toString(i));
                }
                assertThat(service.streamsState()).as("not consuming before a model exists").isEmpty();

                publish(producer, AssignmentTopologyTest.version(1, v1));
                List<ConsumerRecord<String, byte[]>> first = read(assignments, 4);
                assertThat(first).extracting(ConsumerRecord::key)
                        .containsExactlyInAnyOrder("early-0", "early-1", "early-2", "early-3");
                for (ConsumerRecord<String, byte[]> record : first) {
                    Messages.Bmu bmu = Messages.fromJson(record.value(), Messages.Bmu.class);
                    assertThat(bmu.modelVersion()).isEqualTo(1);
                    assertThat(bmu.label()).isEqualTo(record.key().substring("early-".length()));
                }
                assertThat(service.streamsState()).contains(KafkaStreams.State.RUNNING);
                assertThat(inService.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);

                publish(producer, AssignmentTopologyTest.version(2, v2));
                assertThat(inService.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(2);
                send(producer, "late-0", pngs[4], null);
                send(producer, "late-1", pngs[5], null);
                List<ConsumerRecord<String, byte[]>> later = read(assignments, 2);
                assertThat(later).extracting(r -> r.key() + "@"
                                + Messages.fromJson(r.value(), Messages.Bmu.class).modelVersion())
                        .containsExactlyInAnyOrder("late-0@2", "late-1@2");
                assertThat(registry.get("vitsom.serving.images").tag("path", "stream").counter().count())
                        .isEqualTo(6);
                assertThat(registry.get(TopologyWindow.WINDOW_IMAGES).gauge().value())
                        .as("both versions have the same map, so the window holds the images of both").isEqualTo(6);
                assertThat(registry.get(TopologyWindow.PURITY).gauge().value()).as("4 of them labelled").isFinite();

                assertThat(service.close(Duration.ofSeconds(30))).isTrue();
                assertThat(service.models().current()).isEmpty();
            }
        }
    }

    @Test
    void aStreamThreadThatKeepsFailingIsReplacedWithinTheBudgetThenServingShutsDownAndHealthSaysWhy()
            throws Exception {
        Path v1 = Fixtures.tinyCheckpoint(dir.resolve("v1"), 1, 10);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(dir.resolve("kafka"), 0, 0))) {
            // A replaced thread's consumer does not leave the group; its partitions move on when its session
            // expires, so the broker's shortest session keeps the three threads within the test's time.
            KafkaClients clients = KafkaClients.of(kafka.bootstrapServers(), KafkaClientProperties.of(Map.of(
                    ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000",
                    ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000")));
            ServingConfig config = ServingConfig.defaults().withStateDir(dir.resolve("state"))
                    .withThreadBudget(new StreamThreadBudget(2, Duration.ofMinutes(10), Duration.ofMillis(10),
                            Duration.ofMillis(40)));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            AtomicInteger inferences = new AtomicInteger();
            // Inference that fails every time, as a lost device would: the same batch fails on every new thread.
            UnaryOperator<ModelSource> failing = models -> new ModelSource() {
                @Override
                public Optional<ServingModel.Lease> acquire() {
                    if (models.current().isEmpty()) {
                        return Optional.empty();
                    }
                    inferences.incrementAndGet();
                    throw new IllegalStateException("inference failed on device 10.0.0.7");
                }

                @Override
                public Optional<Messages.ModelVersion> current() {
                    return models.current();
                }
            };
            Properties producerProps = clients.base("test-producer");
            producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
            try (ServingService service = ServingService.start(config, clients, TOPICS, registry, failing);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps,
                         TOPICS.imagesValid().keySerde().serializer(), TOPICS.imagesValid().valueSerde().serializer())) {
                assertThat(service.health().status()).isEqualTo(ServingHealth.Status.WAITING_FOR_MODEL);
                send(producer, "doomed", Fixtures.pngImages(1, 3)[0], null);
                publish(producer, AssignmentTopologyTest.version(1, v1));

                ServingHealth health = awaitHealth(service, h -> h.state().equals(Optional.of("ERROR")));
                assertThat(health.status()).isEqualTo(ServingHealth.Status.DOWN);
                assertThat(health.reason()).contains(ServingHealth.STREAM_THREADS_FAILING);
                assertThat(inferences.get()).as("the first thread and its 2 replacements, then no more").isEqualTo(3);
                assertThat(registry.get("vitsom.serving.stream.thread.failures").counter().count()).isEqualTo(3);
                assertThat(health.toJson().getInteger("thread_failures")).isEqualTo(3);
                assertThat(health.toJson().getString("last_thread_failure")).isEqualTo("IllegalStateException");
                assertThat(health.toJson().encode()).doesNotContain("10.0.0.7");
                assertThat(service.streamsState()).contains(KafkaStreams.State.ERROR);
                assertThat(service.close(Duration.ofSeconds(30))).isTrue();
            }
        }
    }

    /** Polls the service's health until {@code condition} holds, for at most {@link #WAIT}. */
    private static ServingHealth awaitHealth(ServingService service, Predicate<ServingHealth> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        ServingHealth health = service.health();
        while (!condition.test(health)) {
            assertThat(System.nanoTime() - deadline).as("health within %s, last %s", WAIT, health.toJson())
                    .isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            health = service.health();
        }
        return health;
    }

    private static void send(KafkaProducer<String, byte[]> producer, String key, byte[] png, String label)
            throws Exception {
        RecordHeaders headers = new RecordHeaders();
        ImageRecord.write(headers, new ImageRecord.Metadata(ImageRecord.PNG, "test", Optional.ofNullable(label),
                Instant.now()));
        producer.send(new ProducerRecord<>(TOPICS.imagesValid().name(), null, key, png, headers)).get();
    }

    private static void publish(KafkaProducer<String, byte[]> producer, Messages.ModelVersion version)
            throws Exception {
        producer.send(new ProducerRecord<>(TOPICS.models().name(), "latest", Messages.toJson(version))).get();
    }

    private static KafkaConsumer<String, byte[]> assignmentsConsumer(KafkaClients clients) {
        Properties props = clients.base("test-assignments");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-assignments");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props,
                TOPICS.assignments().keySerde().deserializer(), TOPICS.assignments().valueSerde().deserializer());
        consumer.subscribe(List.of(TOPICS.assignments().name()));
        return consumer;
    }

    private static List<ConsumerRecord<String, byte[]>> read(KafkaConsumer<String, byte[]> consumer, int count) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        assertThat(records).as("%d assignments within %s", count, WAIT).hasSize(count);
        return records;
    }
}
