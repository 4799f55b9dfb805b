package io.vitsom.learner;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.Fixtures;
import io.vitsom.stream.testing.TestTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The learner against the real in-process broker: train, checkpoint, publish, stop, resume. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OnlineLearnerKafkaTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void trainsCheckpointsPublishesAndResumesWhereTheCheckpointSays() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0))) {
            String bootstrap = kafka.bootstrapServers();
            LearnerConfig config = LearnerTesting.config(bootstrap, tmp.resolve("ckpt"), 2);
            try (var admin = config.kafka().admin("test")) {
                TOPICS.createMissing(admin, (short) 1, WAIT);
            }
            TestTopics.produceImages(bootstrap, TOPICS.imagesValid().name(), Fixtures.pngImages(100, 1), "a", null);
            TestTopics.produceImages(bootstrap, TOPICS.imagesValid().name(),
                    new byte[][] {"not an image".getBytes(StandardCharsets.UTF_8)}, "poison", null);

            SimpleMeterRegistry firstRegistry = new SimpleMeterRegistry();
            OnlineLearner first = start(config, firstRegistry);
            List<ConsumerRecord<byte[], byte[]>> training = TestTopics.read(bootstrap, TOPICS.training().name(), 100,
                    WAIT, Duration.ZERO);
            assertThat(training).hasSize(100);
            stop(first);

            // Every valid image trained once; the poison record went to the DLQ with the learner's reason.
            assertThat(positions(training)).hasSize(100);
            List<ConsumerRecord<byte[], byte[]>> dlq = TestTopics.read(bootstrap, TOPICS.imagesDlq().name(), 1,
                    WAIT, Duration.ZERO);
            assertThat(dlq).singleElement().satisfies(r -> {
                assertThat(TestTopics.key(r)).isEqualTo("poison-0");
                assertThat(TestTopics.header(r, ImageRecord.DLQ_REASON)).isEqualTo(OnlineLearner.REJECTED_BY_LEARNER);
            });
            Messages.Bmu bmu = Messages.fromJson(training.get(0).value(), Messages.Bmu.class);
            assertThat(bmu.unit()).isBetween(0, 15);
            assertThat(bmu.row() * 4 + bmu.col()).isEqualTo(bmu.unit());

            // The newest checkpoint's offsets cover all 101 input records; only the last 2 versions are kept.
            CheckpointStore store = new CheckpointStore(config.checkpointDir());
            assertThat(store.versions()).hasSize(2);
            long newest = store.versions().get(0);
            JsonNode provenance;
            long stepAtStop;
            try (NDManager manager = NDManager.newBaseManager()) {
                var found = store.loadNewestValid(manager).orElseThrow();
                provenance = found.checkpoint().metadata().provenance();
                stepAtStop = found.checkpoint().metadata().step();
            }
            long covered = 0;
            for (var e : provenance.path("offsets").properties()) {
                covered += e.getValue().asLong();
            }
            assertThat(covered).isEqualTo(101);
            assertThat(committedOffsets(config)).as("offsets committed for lag monitoring after the final checkpoint")
                    .isEqualTo(101);
            assertThat(provenance.path("images_trained").asLong()).isEqualTo(100);
            assertThat(provenance.path("ranges").size()).isEqualTo(TOPICS.imagesValid().partitions());

            // Published: the model versions in order, and a prototype per unit of the newest version.
            List<ConsumerRecord<byte[], byte[]>> models = TestTopics.read(bootstrap, TOPICS.models().name(),
                    (int) newest, WAIT, Duration.ZERO);
            Messages.ModelVersion last = Messages.fromJson(models.get(models.size() - 1).value(),
                    Messages.ModelVersion.class);
            assertThat(last.version()).isEqualTo(newest);
            assertThat(Path.of(last.checkpoint())).isEqualTo(store.path(newest));
            assertThat(last.imagesTrained()).isEqualTo(100);
            List<ConsumerRecord<byte[], byte[]>> prototypes = TestTopics.read(bootstrap,
                    TOPICS.prototypes().name(), (int) (16 * newest), WAIT, Duration.ZERO);
            assertThat(prototypes.stream().map(r -> Messages.fromJson(r.value(), Messages.Prototype.class))
                    .filter(p -> p.modelVersion() == newest).map(Messages.Prototype::unit).distinct().count())
                    .isEqualTo(16);
            Messages.Prototype p = Messages.fromJson(prototypes.get(prototypes.size() - 1).value(),
                    Messages.Prototype.class);
            assertThat(p.vector()).hasSize(Fixtures.tinyConfig().somInputDim());
            assertThat(p.imagePng()).isNotNull();

            // Prototype drift: none for the first version, measured from the previous one after that; the gauges
            // show the newest version's.
            assertThat(newest).isGreaterThanOrEqualTo(2);
            List<Messages.ModelVersion> versions = models.stream()
                    .map(r -> Messages.fromJson(r.value(), Messages.ModelVersion.class)).toList();
            assertThat(versions.get(0).version()).isEqualTo(1);
            assertThat(versions.get(0).driftMean()).isNull();
            assertThat(versions.get(0).driftMax()).isNull();
            assertThat(versions.subList(1, versions.size())).allSatisfy(v -> {
                assertThat(v.driftMean()).as("drift_mean of v%d", v.version()).isNotNull().isFinite()
                        .isNotNegative();
                assertThat(v.driftMax()).as("drift_max of v%d", v.version()).isNotNull().isFinite()
                        .isGreaterThanOrEqualTo(v.driftMean());
            });
            assertThat(versions.stream().mapToDouble(v -> v.driftMax() == null ? 0 : v.driftMax()).max()
                    .orElseThrow()).as("training moves the prototypes").isPositive();
            double driftMean = firstRegistry.get(LearnerMetrics.PROTOTYPE_DRIFT_MEAN).gauge().value();
            double driftMax = firstRegistry.get(LearnerMetrics.PROTOTYPE_DRIFT_MAX).gauge().value();
            assertThat(driftMean).isFinite().isEqualTo(last.driftMean());
            assertThat(driftMax).isFinite().isEqualTo(last.driftMax());

            // A second learner on the same checkpoints trains only the new records, continuing the step count.
            TestTopics.produceImages(bootstrap, TOPICS.imagesValid().name(), Fixtures.pngImages(20, 2), "b", null);
            SimpleMeterRegistry secondRegistry = new SimpleMeterRegistry();
            OnlineLearner second = start(config, secondRegistry);
            List<ConsumerRecord<byte[], byte[]>> all = TestTopics.read(bootstrap, TOPICS.training().name(), 120,
                    WAIT, Duration.ofMillis(500));
            stop(second);
            assertThat(all).hasSize(120);
            List<ConsumerRecord<byte[], byte[]>> resumed = all.subList(100, 120);
            assertThat(resumed).allSatisfy(r -> {
                assertThat(TestTopics.key(r)).startsWith("b-");
                assertThat(Long.parseLong(TestTopics.header(r, OnlineLearner.TRAINING_STEP)))
                        .isGreaterThanOrEqualTo(stepAtStop);
            });
            assertThat(positions(all)).hasSize(120);
            assertThat(committedOffsets(config)).isEqualTo(121);

            // After the restart the first new version's drift is measured from the checkpoint it resumed from.
            Messages.ModelVersion resumedVersion = Messages.fromJson(TestTopics.read(bootstrap, TOPICS.models().name(),
                    (int) newest + 1, WAIT, Duration.ZERO).get((int) newest).value(), Messages.ModelVersion.class);
            assertThat(resumedVersion.version()).isEqualTo(newest + 1);
            assertThat(resumedVersion.driftMean()).isNotNull().isFinite();
            assertThat(secondRegistry.get(LearnerMetrics.PROTOTYPE_DRIFT_MEAN).gauge().value()).isFinite();
        }
    }

    @Test
    void warmStartsFromAnOfflineCheckpointWithoutOptimizerState() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0))) {
            String bootstrap = kafka.bootstrapServers();
            Path offline = Fixtures.tinyCheckpoint(tmp.resolve("offline"), 3, 500); // like bench's model/: no moments
            LearnerConfig base = LearnerTesting.config(bootstrap, tmp.resolve("ckpt"), 1);
            LearnerOptions o = base.options();
            LearnerConfig config = new LearnerConfig(base.model(), base.kafka(), base.topics(), base.groupId(),
                    base.checkpointDir(), new LearnerOptions(o.checkpointEverySteps(), o.checkpointEvery(),
                            o.keepLast(), o.horizonImages(), o.batchTimeout(), o.seed(), o.device(),
                            java.util.Optional.of(offline)), false);
            try (var admin = config.kafka().admin("test")) {
                TOPICS.createMissing(admin, (short) 1, WAIT);
            }
            TestTopics.produceImages(bootstrap, TOPICS.imagesValid().name(), Fixtures.pngImages(16, 4), "w", null);
            OnlineLearner learner = start(config, new SimpleMeterRegistry());
            List<ConsumerRecord<byte[], byte[]>> training = TestTopics.read(bootstrap, TOPICS.training().name(), 16,
                    WAIT, Duration.ZERO);
            stop(learner);
            // The schedules continue from the offline model's step instead of re-heating the map.
            assertThat(training).hasSize(16).allSatisfy(r ->
                    assertThat(Long.parseLong(TestTopics.header(r, OnlineLearner.TRAINING_STEP))).isEqualTo(500));
            try (NDManager manager = NDManager.newBaseManager()) {
                var found = new CheckpointStore(config.checkpointDir()).loadNewestValid(manager).orElseThrow();
                assertThat(found.checkpoint().metadata().step()).isEqualTo(501);
                assertThat(found.checkpoint().moments()).isNotEmpty();
            }
        }
    }

    private static OnlineLearner start(LearnerConfig config, SimpleMeterRegistry registry) {
        OnlineLearner learner = new OnlineLearner(config, new LearnerMetrics(registry));
        Thread thread = new Thread(learner, "learner-under-test");
        thread.setDaemon(true);
        thread.start();
        return learner;
    }

    /** Sum over partitions of the offsets the learner's group committed to Kafka. */
    private static long committedOffsets(LearnerConfig config) throws Exception {
        try (var admin = config.kafka().admin("test-offsets")) {
            return admin.listConsumerGroupOffsets(config.groupId()).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    private static void stop(OnlineLearner learner) throws InterruptedException {
        learner.stop();
        assertThat(learner.awaitStopped(Duration.ofSeconds(60))).isTrue();
        assertThat(learner.failure()).isEmpty();
        assertThat(learner.state()).isEqualTo(OnlineLearner.State.STOPPED);
    }

    /** Distinct input positions (partition/offset) named by training records. */
    static Set<String> positions(List<ConsumerRecord<byte[], byte[]>> training) {
        Set<String> out = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : training) {
            out.add(TestTopics.header(r, OnlineLearner.TRAINING_PARTITION) + "@"
                    + TestTopics.header(r, OnlineLearner.TRAINING_OFFSET));
        }
        return out;
    }
}
