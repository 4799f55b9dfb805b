package io.vitsom.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitsom.ingest.ReplayConfig;
import io.vitsom.learner.LearnerOptions;
import io.vitsom.learner.CheckpointStore;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.Fixtures;
import io.vitsom.stream.testing.TestTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full chain against the real embedded broker, wired as {@code vitsom run} wires it: 2,000 MNIST images are
 * replayed, the learner trains and checkpoints, serving assigns every valid image exactly once, and malformed
 * records land in the dead-letter topic. {@code som.assignments} is also read with Debian's {@code kcat}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PipelineTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final int IMAGES = 2_000;

    @TempDir
    Path work;

    @Test
    void replayTrainAssignEveryImageOnceAndDeadLetterTheMalformed() throws Exception {
        Path root = DeployFixtures.repositoryRoot();
        Path mnist = root.getParent().resolve("shared/datasets/mnist");
        assertThat(mnist).as("MNIST IDX files under ../shared/datasets (see README)").isDirectory();
        VitSomConfig model = ConfigLoader.load(root.resolve("configs/vit_som_mnist.yaml"));
        ReplayConfig replay = ReplayConfig.defaults().withLimit(IMAGES).withRate(0).withLoop(false);
        Pipeline.Settings settings = new Pipeline.Settings(model, TOPICS, Optional.of(mnist), replay, Optional.empty(), work,
                0, 0, 0, 0, 0, 0,
                LearnerOptions.defaults().withCheckpoints(5, Duration.ZERO));
        try (Pipeline pipeline = Pipeline.start(settings)) {
            String bootstrap = pipeline.bootstrapServers();
            byte[] png = ImageCodec.encodePng(1, 28, 28, new byte[28 * 28]);
            Map<String, byte[]> malformed = new TreeMap<>(Map.of(
                    "bad-truncated", java.util.Arrays.copyOf(png, png.length / 2),
                    "bad-size", Fixtures.pngImages(1, 9)[0],
                    "bad-not-an-image", "hello, not a picture".getBytes(StandardCharsets.UTF_8),
                    "bad-empty", new byte[0]));
            for (var e : malformed.entrySet()) {
                TestTopics.produceImages(bootstrap, TOPICS.images().name(), new byte[][] {e.getValue()}, e.getKey(),
                        null);
            }

            List<ConsumerRecord<byte[], byte[]>> assignments = TestTopics.read(bootstrap,
                    TOPICS.assignments().name(), IMAGES, Duration.ofMinutes(6), Duration.ofSeconds(3));
            Set<String> keys = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : assignments) {
                assertThat(keys.add(TestTopics.key(r))).as("assigned twice: %s", TestTopics.key(r)).isTrue();
                Messages.Bmu bmu = Messages.fromJson(r.value(), Messages.Bmu.class);
                assertThat(bmu.unit()).isBetween(0, model.som().units() - 1);
                assertThat(bmu.modelVersion()).isPositive();
                assertThat(bmu.label()).isNotNull();
            }
            assertThat(keys).hasSize(IMAGES).allMatch(k -> k.startsWith("mnist-train-"));

            List<ConsumerRecord<byte[], byte[]>> dlq = TestTopics.read(bootstrap, TOPICS.imagesDlq().name(),
                    malformed.size(), Duration.ofSeconds(30), Duration.ofSeconds(1));
            Map<String, String> reasons = new TreeMap<>();
            dlq.forEach(r -> reasons.put(TestTopics.key(r), TestTopics.header(r, ImageRecord.DLQ_REASON)));
            assertThat(reasons).containsOnlyKeys("bad-truncated-0", "bad-size-0", "bad-not-an-image-0", "bad-empty-0");
            assertThat(reasons.get("bad-size-0")).isEqualTo("wrong-size");
            assertThat(reasons.get("bad-empty-0")).isEqualTo("empty");

            // The learner trained on the stream and checkpointed it.
            List<ConsumerRecord<byte[], byte[]>> training = TestTopics.read(bootstrap, TOPICS.training().name(),
                    IMAGES, Duration.ofMinutes(2), Duration.ZERO);
            assertThat(training).hasSize(IMAGES);
            assertThat(new CheckpointStore(work.resolve("checkpoints")).versions()).isNotEmpty();

            // A client this project did not write sees the same assignments.
            List<String> kcatKeys = kcat(bootstrap, TOPICS.assignments().name());
            assertThat(new HashSet<>(kcatKeys)).isEqualTo(keys);
            assertThat(kcatKeys).hasSize(IMAGES);
        }
    }

    private static List<String> kcat(String bootstrap, String topic) throws IOException, InterruptedException {
        Process kcat = new ProcessBuilder("kcat", "-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q",
                "-f", "%k\\n").redirectErrorStream(false).start();
        byte[] out = kcat.getInputStream().readAllBytes();
        assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kcat.exitValue()).as("kcat: %s", new String(kcat.getErrorStream().readAllBytes(),
                StandardCharsets.UTF_8)).isZero();
        List<String> keys = new ArrayList<>();
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                keys.add(line.trim());
            }
        }
        return keys;
    }
}
