package io.vitsom.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.Fixtures;
import io.vitsom.stream.testing.TestTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What keeps a learner from damaging its own lineage: the directory lock, unreadable checkpoints, retention gaps. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LearnerSafetyTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Nothing listens there: tests that must fail before Kafka is asked use it. */
    private static final String NOWHERE = "127.0.0.1:1";

    @TempDir
    Path tmp;

    @Test
    void aSecondLearnerOnTheSameCheckpointDirectoryIsRefusedNamingTheHolder() throws Exception {
        Path dir = tmp.resolve("ckpt");
        try (CheckpointLock held = CheckpointLock.acquire(dir)) {
            OnlineLearner second = new OnlineLearner(LearnerTesting.config(NOWHERE, dir, 1),
                    new LearnerMetrics(new SimpleMeterRegistry()));
            second.run();

            assertThat(second.state()).isEqualTo(OnlineLearner.State.FAILED);
            assertThat(second.failure()).get().asString()
                    .contains("checkpoint directory " + dir.toAbsolutePath() + " is in use by another learner (pid "
                            + ProcessHandle.current().pid() + " on ")
                    .contains("--checkpoint-dir");
        }
        // Released with the holder: the next one gets it.
        try (CheckpointLock again = CheckpointLock.acquire(dir)) {
            assertThat(Files.readString(dir.resolve(CheckpointLock.FILE))).startsWith("pid ");
        }
    }

    @Test
    void checkpointsOfWhichNoneLoadsRefuseAFreshStartUnlessItIsAllowed() throws Exception {
        Path dir = tmp.resolve("ckpt");
        Files.createDirectories(dir.resolve("v000003"));
        Files.writeString(dir.resolve("v000003/manifest.json"), "{ not json", StandardCharsets.UTF_8);
        LearnerConfig config = LearnerTesting.config(NOWHERE, dir, 1);

        OnlineLearner refused = new OnlineLearner(config, new LearnerMetrics(new SimpleMeterRegistry()));
        refused.run();
        assertThat(refused.state()).isEqualTo(OnlineLearner.State.FAILED);
        assertThat(refused.failure()).get().asString()
                .contains("holds 1 version(s) and none loads (v000003: ")
                .contains("--allow-fresh-start");
        assertThat(dir.resolve("v000003")).exists();

        LearnerConfig allowed = withOptions(config, config.options().withSafety(true,
                LearnerOptions.RetentionGapPolicy.FAIL));
        OnlineLearner fresh = new OnlineLearner(allowed, new LearnerMetrics(new SimpleMeterRegistry()));
        fresh.run();
        // Past the checkpoints, on to Kafka, which is not there.
        assertThat(fresh.failure()).get().asString().contains("cannot reach Kafka at " + NOWHERE);
    }

    @Test
    void recordsDeletedByRetentionFailTheLearnerOrAreSkippedAndCountedByPolicy() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0))) {
            String bootstrap = kafka.bootstrapServers();
            LearnerConfig config = LearnerTesting.config(bootstrap, tmp.resolve("ckpt"), 1);
            try (var admin = config.kafka().admin("test")) {
                TOPICS.createMissing(admin, (short) 1, WAIT);
            }
            String input = TOPICS.imagesValid().name();
            TestTopics.produceImages(bootstrap, input, Fixtures.pngImages(12, 1), "a", null);
            OnlineLearner first = start(config, new SimpleMeterRegistry());
            TestTopics.read(bootstrap, TOPICS.training().name(), 12, WAIT, Duration.ZERO);
            stop(first);

            // Ten more records arrive and retention deletes them before any learner reads them.
            TestTopics.produceImages(bootstrap, input, Fixtures.pngImages(10, 2), "gone", null);
            try (var admin = config.kafka().admin("test-delete")) {
                Map<TopicPartition, RecordsToDelete> all = new HashMap<>();
                for (int p = 0; p < TOPICS.imagesValid().partitions(); p++) {
                    TopicPartition tp = new TopicPartition(input, p);
                    long end = admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                            .partitionResult(tp).get().offset();
                    all.put(tp, RecordsToDelete.beforeOffset(end));
                }
                admin.deleteRecords(all).all().get(30, TimeUnit.SECONDS);
                for (Map.Entry<TopicPartition, RecordsToDelete> e : all.entrySet()) {
                    assertThat(admin.listOffsets(Map.of(e.getKey(),
                            org.apache.kafka.clients.admin.OffsetSpec.earliest())).partitionResult(e.getKey()).get()
                            .offset()).as("log start of %s", e.getKey()).isEqualTo(e.getValue().beforeOffset());
                }
            }

            OnlineLearner failing = start(config, new SimpleMeterRegistry());
            assertThat(failing.awaitStopped(WAIT)).isTrue();
            assertThat(failing.state()).isEqualTo(OnlineLearner.State.FAILED);
            assertThat(failing.failure()).get().asString()
                    .contains("deleted by retention of " + input)
                    .contains("--on-retention-gap skip");

            LearnerConfig skipping = withOptions(config, config.options().withSafety(false,
                    LearnerOptions.RetentionGapPolicy.SKIP));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            OnlineLearner skipper = start(skipping, registry);
            TestTopics.produceImages(bootstrap, input, Fixtures.pngImages(4, 3), "after", null);
            List<ConsumerRecord<byte[], byte[]>> training = TestTopics.read(bootstrap, TOPICS.training().name(), 16,
                    WAIT, Duration.ofMillis(500));
            stop(skipper);

            assertThat(training).hasSize(16);
            assertThat(training.subList(12, 16)).allSatisfy(r -> assertThat(TestTopics.key(r)).startsWith("after-"));
            double skipped = registry.find("vitsom_learner_retention_skipped_records").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
            assertThat(skipped).isEqualTo(10);
            try (NDManager manager = NDManager.newBaseManager()) {
                var provenance = new CheckpointStore(config.checkpointDir()).loadNewestValid(manager).orElseThrow()
                        .checkpoint().metadata().provenance();
                long recorded = 0;
                for (var e : provenance.path("retention_skipped").properties()) {
                    recorded += e.getValue().asLong();
                }
                assertThat(recorded).isEqualTo(10);
            }
        }
    }

    @Test
    void partitionsAddedWhileTheLearnerRunsAreTrainedToo() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0))) {
            String bootstrap = kafka.bootstrapServers();
            LearnerConfig config = LearnerTesting.config(bootstrap, tmp.resolve("ckpt"), 1);
            try (var admin = config.kafka().admin("test")) {
                TOPICS.createMissing(admin, (short) 1, WAIT);
            }
            String input = TOPICS.imagesValid().name();
            OnlineLearner learner = new OnlineLearner(config, new LearnerMetrics(new SimpleMeterRegistry()));
            learner.partitionCheckEvery(Duration.ofMillis(500));
            Thread thread = new Thread(learner, "learner-under-test");
            thread.setDaemon(true);
            thread.start();
            TestTopics.produceImages(bootstrap, input, Fixtures.pngImages(4, 1), "before", null);
            TestTopics.read(bootstrap, TOPICS.training().name(), 4, WAIT, Duration.ZERO);

            int added = TOPICS.imagesValid().partitions();
            try (var admin = config.kafka().admin("test-partitions")) {
                admin.createPartitions(Map.of(input, NewPartitions.increaseTo(added + 1))).all()
                        .get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                    new StringSerializer(), new ByteArraySerializer())) {
                for (byte[] png : Fixtures.pngImages(4, 2)) {
                    producer.send(new ProducerRecord<>(input, added, "new-partition", png)).get();
                }
            }
            List<ConsumerRecord<byte[], byte[]>> training = TestTopics.read(bootstrap, TOPICS.training().name(), 8,
                    WAIT, Duration.ZERO);
            stop(learner);

            assertThat(training.subList(4, 8)).allSatisfy(r -> assertThat(
                    TestTopics.header(r, OnlineLearner.TRAINING_PARTITION)).isEqualTo(Integer.toString(added)));
        }
    }

    @Test
    void aLockCannotBeTakenTwiceInOneProcessEither() throws Exception {
        Path dir = tmp.resolve("ckpt");
        try (CheckpointLock held = CheckpointLock.acquire(dir)) {
            assertThatThrownBy(() -> CheckpointLock.acquire(dir)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is in use by another learner");
        }
    }

    @Test
    void withAKeyEveryPublishedModelRecordIsSignedTogetherWithItsManifest() throws Exception {
        Path keyFile = tmp.resolve("model.key");
        Files.writeString(keyFile, "a key of at least sixteen bytes\n");
        io.vitsom.stream.ModelSignatures key = io.vitsom.stream.ModelSignatures.fromKeyFile(keyFile);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0))) {
            String bootstrap = kafka.bootstrapServers();
            LearnerConfig base = LearnerTesting.config(bootstrap, tmp.resolve("ckpt"), 1);
            LearnerConfig config = new LearnerConfig(base.model(), base.kafka(), base.topics(), base.groupId(),
                    base.checkpointDir(), base.options(), false, key);
            try (var admin = config.kafka().admin("test")) {
                TOPICS.createMissing(admin, (short) 1, WAIT);
            }
            TestTopics.produceImages(bootstrap, TOPICS.imagesValid().name(), Fixtures.pngImages(8, 1), "s", null);
            OnlineLearner learner = start(config, new SimpleMeterRegistry());
            List<ConsumerRecord<byte[], byte[]>> models = TestTopics.read(bootstrap, TOPICS.models().name(), 1, WAIT,
                    Duration.ZERO);
            stop(learner);

            ConsumerRecord<byte[], byte[]> record = models.get(0);
            String signature = TestTopics.header(record, io.vitsom.stream.ModelSignatures.HEADER);
            var version = io.vitsom.stream.Messages.fromJson(record.value(), io.vitsom.stream.Messages.ModelVersion.class);
            byte[] manifest = Files.readAllBytes(Path.of(version.checkpoint())
                    .resolve(io.vitsom.model.checkpoint.Checkpoint.MANIFEST));
            assertThat(signature).isNotNull();
            assertThat(key.verify(record.value(), manifest, signature)).isTrue();
        }
    }

    private static LearnerConfig withOptions(LearnerConfig c, LearnerOptions options) {
        return new LearnerConfig(c.model(), c.kafka(), c.topics(), c.groupId(), c.checkpointDir(), options,
                c.publishPrototypes());
    }

    private static OnlineLearner start(LearnerConfig config, SimpleMeterRegistry registry) {
        OnlineLearner learner = new OnlineLearner(config, new LearnerMetrics(registry));
        Thread thread = new Thread(learner, "learner-under-test");
        thread.setDaemon(true);
        thread.start();
        return learner;
    }

    private static void stop(OnlineLearner learner) throws InterruptedException {
        learner.stop();
        assertThat(learner.awaitStopped(Duration.ofSeconds(60))).isTrue();
        assertThat(learner.failure()).isEmpty();
    }
}
