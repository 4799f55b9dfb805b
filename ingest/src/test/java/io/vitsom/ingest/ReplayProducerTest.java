package io.vitsom.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.model.data.DecodedImage;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.model.data.Splits;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Replays a synthetic IDX dataset into a real in-process broker. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReplayProducerTest {
    private static final int SIZE = 6;
    private static final int[] TRAIN_LABELS = {3, 1, 4, 1, 5};
    private static final int[] TEST_LABELS = {9, 2, 6};

    @TempDir
    static Path tmp;
    private static EmbeddedKafka kafka;
    private static KafkaClients clients;
    private static Splits dataset;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0));
        clients = KafkaClients.of(kafka.bootstrapServers());
        Path dir = tmp.resolve("digits");
        IdxFiles.write(dir, "train", SIZE, TRAIN_LABELS);
        IdxFiles.write(dir, "t10k", SIZE, TEST_LABELS);
        dataset = DatasetLoader.load(dir, null);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private static ReplayConfig config(String topic) {
        return ReplayConfig.defaults().withTopic(Topics.defaults().images().withName(topic));
    }

    @Test
    void replayOfAllSplitsLandsEveryImageWithItsKeyLabelAndHeaders() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Instant before = Instant.now();
        ReplaySummary summary;
        try (ReplayProducer replay = ReplayProducer.open(tmp.resolve("digits"),
                config("replay-all").withSplit(ReplayConfig.Split.ALL), clients, registry)) {
            summary = replay.run();
            assertThat(replay.sentCount()).isEqualTo(8);
        }
        assertThat(summary.sent()).isEqualTo(8);
        assertThat(summary.failed()).isZero();
        assertThat(summary.toString()).startsWith("replayed 8 images in ");

        List<ConsumerRecord<String, byte[]>> records = TestKafka.read(kafka.bootstrapServers(), "replay-all", 8);
        Map<String, ConsumerRecord<String, byte[]>> byKey = records.stream()
                .collect(Collectors.toMap(ConsumerRecord::key, r -> r));
        assertThat(byKey).containsOnlyKeys("digits-train-0", "digits-train-1", "digits-train-2", "digits-train-3",
                "digits-train-4", "digits-test-0", "digits-test-1", "digits-test-2");

        ConsumerRecord<String, byte[]> third = byKey.get("digits-train-2");
        ImageRecord.Metadata metadata = ImageRecord.read(third.headers());
        assertThat(metadata.contentType()).isEqualTo(ImageRecord.PNG);
        assertThat(metadata.source()).isEqualTo("replay:digits");
        assertThat(metadata.label()).contains("4");
        assertThat(metadata.eventTime()).isBetween(before, Instant.now());
        DecodedImage image = ImageCodec.decode(third.value());
        assertThat(image.shape()).isEqualTo("1x6x6");
        assertThat(image.at(0, 0, 1) & 0xFF).isEqualTo(IdxFiles.pixel(2, 1));
        assertThat(ImageRecord.read(byKey.get("digits-test-0").headers()).label()).contains("9");

        assertThat(registry.get(IngestMetrics.RECORDS).tags(IngestMetrics.SOURCE, "replay",
                IngestMetrics.OUTCOME, IngestMetrics.ACCEPTED).counter().count()).isEqualTo(8);
    }

    @Test
    void limitAndRateBoundWhatIsSentAndHowFast() throws Exception {
        // 4 images at 20/s: the last is due 150 ms after the first.
        ReplayConfig config = config("replay-limited").withLimit(4).withRate(20);
        ReplaySummary summary;
        try (ReplayProducer replay = new ReplayProducer(dataset, config, clients, new SimpleMeterRegistry())) {
            summary = replay.run();
        }
        assertThat(summary.sent()).isEqualTo(4);
        assertThat(summary.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(TestKafka.read(kafka.bootstrapServers(), "replay-limited", 4)).extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrder("digits-train-0", "digits-train-1", "digits-train-2", "digits-train-3");
    }

    @Test
    void aLoopingReplayRunsUntilStoppedFromAnotherThread() throws Exception {
        ReplayConfig config = config("replay-loop").withSplit(ReplayConfig.Split.TEST).withLoop(true).withRate(200);
        try (ReplayProducer replay = new ReplayProducer(dataset, config, clients, new SimpleMeterRegistry())) {
            CompletableFuture<ReplaySummary> running = CompletableFuture.supplyAsync(replay::run);
            TestKafka.await("a second pass", () -> replay.sentCount() >= 7);
            replay.stop();
            ReplaySummary summary = running.get(10, TimeUnit.SECONDS);
            assertThat(summary.sent()).isGreaterThanOrEqualTo(7).isEqualTo(replay.sentCount());
        }
        assertThat(TestKafka.read(kafka.bootstrapServers(), "replay-loop", 7)).extracting(ConsumerRecord::key)
                .contains("digits-test-0", "digits-test-2")
                .filteredOn("digits-test-0"::equals).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aSplitTheDatasetLacksIsRefusedBeforeAnythingIsSent() {
        Splits trainOnly = new Splits("train-only", dataset.train(), Optional.empty());
        assertThatThrownBy(() -> new ReplayProducer(trainOnly, config("unused").withSplit(ReplayConfig.Split.TEST),
                clients, new SimpleMeterRegistry()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("train-only has no test split");
    }

    @Test
    void runMayBeCalledOnlyOnce() {
        try (ReplayProducer replay = new ReplayProducer(dataset, config("replay-once").withLimit(1), clients,
                new SimpleMeterRegistry())) {
            replay.run();
            assertThatThrownBy(replay::run).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void splitNamesParse() {
        assertThat(ReplayConfig.Split.parse("Test")).isEqualTo(ReplayConfig.Split.TEST);
        assertThatThrownBy(() -> ReplayConfig.Split.parse("validation"))
                .hasMessage("split must be train, test or all, got 'validation'");
    }
}
