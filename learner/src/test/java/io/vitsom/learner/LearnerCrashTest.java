package io.vitsom.learner;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.vitsom.learner.novel.NovelHeaders;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.Fixtures;
import io.vitsom.stream.testing.TestTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the learner process with SIGKILL at a random point while it trains on a live stream, restarts it, and
 * shows from the checkpoint's offsets and the {@code som.training} topic that training resumed exactly at the
 * checkpointed offsets: in the surviving model lineage every input record is trained once, none twice, none
 * skipped. The learner runs with rehearsal (the default), quarantine and a shadow map on: rehearsed images are
 * no records, and a record quarantined to {@code images.novel} counts as handled, never as trained.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LearnerCrashTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final int IMAGES = 600;

    @TempDir
    Path tmp;

    @Test
    void resumesAtTheCheckpointedOffsetsAfterSigkill() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.println("LearnerCrashTest random seed " + seed);
        Path config = tmp.resolve("tiny.yaml");
        Files.writeString(config, ConfigLoader.toYaml(Fixtures.tinyConfig()));
        Path checkpoints = tmp.resolve("ckpt");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0))) {
            String bootstrap = kafka.bootstrapServers();
            try (var admin = io.vitsom.stream.KafkaClients.of(bootstrap).admin("test")) {
                TOPICS.createMissing(admin, (short) 1, Duration.ofSeconds(30));
            }
            // A live stream: 600 images at ~150 images/s, so the learner is mid-stream when it dies.
            byte[][] images = Fixtures.pngImages(IMAGES, 5);
            Thread producer = new Thread(() -> {
                try {
                    for (int i = 0; i < IMAGES; i += 15) {
                        byte[][] chunk = java.util.Arrays.copyOfRange(images, i, Math.min(IMAGES, i + 15));
                        TestTopics.produceImages(bootstrap, TOPICS.imagesValid().name(), chunk, "img" + i, null);
                        Thread.sleep(100);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "stream");
            producer.start();

            CheckpointStore store = new CheckpointStore(checkpoints);
            Process first = startLearner(bootstrap, config, checkpoints, tmp.resolve("first.log"));
            awaitCheckpoint(store, first, tmp.resolve("first.log"));
            Thread.sleep(random.nextInt(1500));
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no final checkpoint
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);

            List<ConsumerRecord<byte[], byte[]>> beforeRestart = TestTopics.read(bootstrap, TOPICS.training().name(),
                    Integer.MAX_VALUE, Duration.ofSeconds(3), Duration.ZERO);
            long checkpointStep;
            Map<Integer, Long> checkpointOffsets = new HashMap<>();
            try (NDManager manager = NDManager.newBaseManager()) {
                var found = store.loadNewestValid(manager).orElseThrow();
                checkpointStep = found.checkpoint().metadata().step();
                found.checkpoint().metadata().provenance().path("offsets").properties().forEach(e ->
                        checkpointOffsets.put(CheckpointRestorer.parse(e.getKey()).partition(), e.getValue().asLong()));
            }
            producer.join();

            Process second = startLearner(bootstrap, config, checkpoints, tmp.resolve("second.log"));
            List<ConsumerRecord<byte[], byte[]>> all = awaitLineage(bootstrap, beforeRestart.size(), checkpointStep,
                    second, tmp.resolve("second.log"));
            second.destroy(); // SIGTERM: final checkpoint, clean exit
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();

            List<ConsumerRecord<byte[], byte[]>> afterRestart = all.subList(beforeRestart.size(), all.size());
            long redone = beforeRestart.stream().filter(r -> step(r) >= checkpointStep).count();
            System.out.printf("killed after %d training records; checkpoint at step %d, offsets %s; %d records "
                    + "trained after it were lost and trained again%n", beforeRestart.size(), checkpointStep,
                    checkpointOffsets, redone);

            // Resumed exactly at the checkpoint: the step count and, per partition, the first offset read.
            assertThat(afterRestart).isNotEmpty();
            assertThat(afterRestart.stream().mapToLong(LearnerCrashTest::step).min().orElseThrow())
                    .isEqualTo(checkpointStep);
            Map<Integer, Long> firstOffsetAfter = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : afterRestart) {
                firstOffsetAfter.merge(partition(r), offset(r), Math::min);
            }
            assertThat(firstOffsetAfter).isEqualTo(checkpointOffsets);
            // The checkpointed model was trained on exactly the records before its offsets.
            for (ConsumerRecord<byte[], byte[]> r : beforeRestart) {
                boolean inCheckpoint = step(r) < checkpointStep;
                assertThat(offset(r) < checkpointOffsets.get(partition(r))).isEqualTo(inCheckpoint);
            }
            // The surviving lineage: every one of the 600 records once.
            List<ConsumerRecord<byte[], byte[]>> lineage = new ArrayList<>();
            beforeRestart.stream().filter(r -> step(r) < checkpointStep).forEach(lineage::add);
            lineage.addAll(afterRestart);
            Set<String> positions = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : lineage) {
                assertThat(positions.add(partition(r) + "@" + offset(r))).as("trained twice: %s@%s", partition(r),
                        offset(r)).isTrue();
            }
            Set<String> quarantined = novelPositions(bootstrap);
            assertThat(quarantined).as("quarantined and trained").doesNotContainAnyElementsOf(positions);
            System.out.printf("%d records trained, %d quarantined%n", positions.size(), quarantined.size());
            assertThat(positions.size() + quarantined.size()).isEqualTo(IMAGES);
        }
    }

    private static Process startLearner(String bootstrap, Path config, Path checkpoints, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx1g", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), LearnCommand.class.getName(),
                "--bootstrap", bootstrap, "--config", config.toString(), "--checkpoint-dir", checkpoints.toString(),
                "--checkpoint-every-steps", "3", "--checkpoint-every", "0s", "--batch-timeout", "300ms",
                "--horizon-images", "2000", "--device", "cpu", "--port", "0",
                "--quarantine", "on", "--quarantine-warmup", "64", "--shadow", "start")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitCheckpoint(CheckpointStore store, Process learner, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (store.versions().isEmpty()) {
            assertThat(learner.isAlive()).as("learner died:%n%s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("no checkpoint within 90 s:%n%s", Files.readString(log))
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Reads som.training until the lineage (records before the checkpoint step, plus all after restart) is whole. */
    private static List<ConsumerRecord<byte[], byte[]>> awaitLineage(String bootstrap, int before, long checkpointStep,
                                                                   Process learner, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            List<ConsumerRecord<byte[], byte[]>> all = TestTopics.read(bootstrap, TOPICS.training().name(),
                    Integer.MAX_VALUE, Duration.ofSeconds(1), Duration.ZERO);
            long lineage = all.subList(0, before).stream().filter(r -> step(r) < checkpointStep).count()
                    + (all.size() - before) + novelPositions(bootstrap).size();
            if (lineage >= IMAGES) {
                return all;
            }
            assertThat(learner.isAlive()).as("restarted learner died:%n%s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("lineage incomplete (%d of %d):%n%s", lineage, IMAGES,
                    Files.readString(log)).isLessThan(deadline);
        }
    }

    /** Input positions ({@code partition@offset}) of the records quarantined to images.novel, once each. */
    private static Set<String> novelPositions(String bootstrap) throws Exception {
        Set<String> out = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : TestTopics.read(bootstrap, TOPICS.imagesNovel().name(),
                Integer.MAX_VALUE, Duration.ofSeconds(2), Duration.ZERO)) {
            String source = TestTopics.header(r, NovelHeaders.SOURCE);
            out.add(source.substring(source.lastIndexOf('-') + 1));
        }
        return out;
    }

    private static long step(ConsumerRecord<byte[], byte[]> r) {
        return Long.parseLong(TestTopics.header(r, OnlineLearner.TRAINING_STEP));
    }

    private static int partition(ConsumerRecord<byte[], byte[]> r) {
        return Integer.parseInt(TestTopics.header(r, OnlineLearner.TRAINING_PARTITION));
    }

    private static long offset(ConsumerRecord<byte[], byte[]> r) {
        return Long.parseLong(TestTopics.header(r, OnlineLearner.TRAINING_OFFSET));
    }
}
