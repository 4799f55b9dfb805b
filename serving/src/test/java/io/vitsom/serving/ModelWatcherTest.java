package io.vitsom.serving;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.model.nn.VitSom;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topic;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher against a real broker: versions published on som.models are loaded, swapped, or refused. */
class ModelWatcherTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final long WAIT_SECONDS = 30;

    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;
    private static KafkaClients clients;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(dir.resolve("kafka"), 0, 0));
        clients = KafkaClients.of(kafka.bootstrapServers());
        try (Admin admin = clients.admin("test-admin")) {
            TOPICS.createMissing(admin, (short) 1, Duration.ofSeconds(30));
        }
        Properties props = clients.base("test-producer");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props, TOPICS.models().keySerde().serializer(),
                TOPICS.models().valueSerde().serializer());
    }

    @AfterAll
    static void stopKafka() {
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Publishes like the learner: under "latest" and under the version number. */
    private static void publish(Messages.ModelVersion version) throws Exception {
        byte[] json = Messages.toJson(version);
        producer.send(new ProducerRecord<>(TOPICS.models().name(), "latest", json)).get();
        producer.send(new ProducerRecord<>(TOPICS.models().name(), Long.toString(version.version()), json)).get();
    }

    /** Records what the watcher says, so the test waits for events instead of sleeping. */
    private static final class Events implements ModelWatcher.Listener {
        final BlockingQueue<String> queue = new LinkedBlockingQueue<>();

        @Override
        public void inService(Messages.ModelVersion version) {
            queue.add("in service " + version.version());
        }

        @Override
        public void refused(Messages.ModelVersion version, String reason) {
            queue.add("refused " + version.version() + ": " + reason);
        }

        String next() throws InterruptedException {
            String event = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(event).as("an event within %d s", WAIT_SECONDS).isNotNull();
            return event;
        }
    }

    /** A checkpoint of the tiny model on 16x16 instead of 14x14 images. */
    private static Path checkpointOfAnotherInputSize(Path target) throws Exception {
        VitSomConfig tiny = Fixtures.tinyConfig();
        String yaml = ConfigLoader.toYaml(tiny).replace("input_size: 14", "input_size: 16");
        VitSomConfig other = ConfigLoader.parse(yaml, "tiny-16");
        assertThat(other.data().inputSize()).isEqualTo(16);
        try (NDManager manager = NDManager.newBaseManager()) {
            VitSom model = VitSom.builder().setConfig(other).build();
            model.initialize(manager);
            Checkpoint.save(target, model, Map.of(), 1, 1, 1, null);
        }
        return target;
    }

    @Test
    void loadsPublishedVersionsSwapsInNewerOnesAndKeepsThePreviousWhenANewerOneCannotBeUsed() throws Exception {
        Path v1 = Fixtures.tinyCheckpoint(dir.resolve("v1"), 1, 10);
        Path v2 = Fixtures.tinyCheckpoint(dir.resolve("v2"), 2, 20);
        Path corrupt = Fixtures.tinyCheckpoint(dir.resolve("v3"), 3, 30);
        Files.write(corrupt.resolve("params").resolve("som_layer.prototypes.npy"), new byte[] {1, 2, 3});
        Path otherSize = checkpointOfAnotherInputSize(dir.resolve("v4"));
        Events events = new Events();

        try (ModelWatcher watcher = ModelWatcher.start(clients, TOPICS.models())) {
            watcher.addListener(events);
            assertThat(watcher.current()).isEmpty();
            assertThat(watcher.acquire()).isEmpty();

            publish(AssignmentTopologyTest.version(1, v1));
            assertThat(watcher.awaitFirst(Duration.ofSeconds(WAIT_SECONDS))).map(Messages.ModelVersion::version)
                    .contains(1L);
            assertThat(events.next()).isEqualTo("in service 1");

            ServingModel.Lease duringSwap = watcher.acquire().orElseThrow();
            publish(AssignmentTopologyTest.version(2, v2));
            assertThat(events.next()).isEqualTo("in service 2");
            assertThat(watcher.current()).map(Messages.ModelVersion::version).contains(2L);
            assertThat(duringSwap.model().released()).as("version 1 is kept while a batch still uses it").isFalse();
            assertThat(duringSwap.model().assign(List.of(
                    ImageCodec.decode(Fixtures.pngImages(1, 1)[0]))).size()).isEqualTo(1);
            duringSwap.close();
            assertThat(duringSwap.model().released()).as("and released once that batch is done").isTrue();

            publish(AssignmentTopologyTest.version(3, corrupt));
            assertThat(events.next()).startsWith("refused 3: ").contains("fails its SHA-256 checksum");
            publish(AssignmentTopologyTest.version(4, otherSize));
            assertThat(events.next()).startsWith("refused 4: ").contains("1x16x16").contains("1x14x14");
            publish(AssignmentTopologyTest.version(5, dir.resolve("never-written")));
            assertThat(events.next()).startsWith("refused 5: ").contains("never-written");
            try (ServingModel.Lease lease = watcher.acquire().orElseThrow()) {
                assertThat(lease.model().version().version()).as("version 2 stays in service").isEqualTo(2);
            }

            // A watcher started later catches up first and loads only the newest usable version, trying newest
            // first. A restart is also how the input shape changes: nothing is in service yet to compare with.
            Events late = new Events();
            try (ModelWatcher restarted = ModelWatcher.start(clients, TOPICS.models())) {
                restarted.addListener(late);
                assertThat(late.next()).startsWith("refused 5");
                assertThat(late.next()).isEqualTo("in service 4");
            }
            assertThat(late.queue).isEmpty();
        }
        assertThat(events.queue).isEmpty();
    }

    @Test
    void aWatcherWithoutKafkaServesAFixedCheckpointAndIgnoresOlderOffers() throws Exception {
        Path checkpoint = Fixtures.tinyCheckpoint(dir.resolve("fixed"), 4, 40);
        try (ModelWatcher watcher = ModelWatcher.fixed(checkpoint, 9)) {
            Messages.ModelVersion version = watcher.current().orElseThrow();
            assertThat(version.version()).isEqualTo(9);
            assertThat(version.step()).isEqualTo(40);
            assertThat(version.seed()).isEqualTo(4);
            assertThat(version.rows()).isEqualTo(4);
            assertThat(version.checkpoint()).isEqualTo(checkpoint.toAbsolutePath().toString());
            assertThat(watcher.awaitFirst(Duration.ZERO)).contains(version);
            assertThat(watcher.offer(AssignmentTopologyTest.version(8, checkpoint))).isFalse();
            assertThat(watcher.current()).contains(version);
        }
    }

    @Test
    void aVersionThatContradictsItsCheckpointsMapSizeIsRefused() throws Exception {
        Path checkpoint = Fixtures.tinyCheckpoint(dir.resolve("map"), 5, 50);
        Messages.ModelVersion wrongMap = new Messages.ModelVersion(1, 1, 1, checkpoint.toString(),
                Instant.now().toString(), "test", 1, 8, 8, "square", Map.of());
        try (ModelWatcher watcher = ModelWatcher.withoutKafka()) {
            assertThat(watcher.offer(wrongMap)).isFalse();
            assertThat(watcher.current()).isEmpty();
            assertThat(watcher.awaitFirst(Duration.ofMillis(1))).isEmpty();
        }
    }

    /** A models topic of the test's own, so that the versions of other tests do not interfere. */
    private static Topic<String, byte[]> modelsTopic(String name) {
        Topics renamed = TOPICS.renamed(Map.of(TOPICS.models().name(), name));
        try (Admin admin = clients.admin("test-admin")) {
            renamed.createMissing(admin, (short) 1, Duration.ofSeconds(30));
        }
        return renamed.models();
    }

    private static void publish(Topic<String, byte[]> topic, Messages.ModelVersion version) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), "latest", Messages.toJson(version))).get();
    }

    /** Polls {@code condition} until it holds or {@link #WAIT_SECONDS} pass. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("%s within %d s", what, WAIT_SECONDS).isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Test
    void aVersionWhoseCheckpointAppearsOnlyLaterIsLoadedOnARetryAndItsFailuresAreCounted() throws Exception {
        Topic<String, byte[]> models = modelsTopic("som.models.late");
        Path late = dir.resolve("late-v1");
        Events events = new Events();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ModelWatcher watcher = ModelWatcher.start(clients, models)) {
            new ServingMetrics(registry, watcher).bindModelWatcher(watcher);
            watcher.addListener(events);
            publish(models, AssignmentTopologyTest.version(1, late));
            assertThat(events.next()).startsWith("refused 1: ").contains("late-v1");
            // A second failed try proves it is retried rather than skipped, before the checkpoint exists at all.
            await("a retry", () -> watcher.loadFailures() >= 2);
            assertThat(watcher.current()).isEmpty();

            // Written elsewhere and moved in whole, as it would show up on a shared volume.
            Path staged = Fixtures.tinyCheckpoint(dir.resolve("late-staging"), 1, 10);
            Files.move(staged, late, StandardCopyOption.ATOMIC_MOVE);
            assertThat(events.next()).isEqualTo("in service 1");
            assertThat(watcher.current()).map(Messages.ModelVersion::version).contains(1L);
            assertThat(watcher.failure()).isEmpty();
            assertThat(registry.get("vitsom.serving.model.load.failures").functionCounter().count())
                    .isEqualTo(watcher.loadFailures()).isGreaterThanOrEqualTo(2);
        }
        assertThat(events.queue).as("listeners hear of a refused version once, not per retry").isEmpty();
    }

    @Test
    void aWatcherThreadKilledByAnErrorKeepsTheFailureAndHealthSaysDown() throws Exception {
        Topic<String, byte[]> models = modelsTopic("som.models.fatal");
        Path v1 = Fixtures.tinyCheckpoint(dir.resolve("fatal-v1"), 1, 10);
        try (ModelWatcher watcher = ModelWatcher.start(clients, models)) {
            // An Error escapes the listener guard, as a native-library failure inside a load would.
            watcher.addListener(version -> {
                throw new LinkageError("libtorch went away");
            });
            assertThat(watcher.failure()).isEmpty();
            publish(models, AssignmentTopologyTest.version(1, v1));
            await("the watcher to record its death", () -> watcher.failure().isPresent());
            assertThat(watcher.failure()).get().isInstanceOf(LinkageError.class);

            ServingHealth health = ServingHealth.of(watcher.current(), watcher.failure(),
                    Optional.of(org.apache.kafka.streams.KafkaStreams.State.RUNNING), ServingHealth.Threads.NONE);
            assertThat(health.status()).isEqualTo(ServingHealth.Status.DOWN);
            assertThat(health.toJson().getString("reason")).isEqualTo(ServingHealth.MODEL_WATCHER_DIED);
            assertThat(health.toJson().getString("message")).contains("LinkageError").doesNotContain("libtorch");
        }
    }
}
