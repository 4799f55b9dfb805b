package io.vitsom.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The folder watcher against a real in-process broker, plus its stability rule without one. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FolderWatcherTest {
    private static final Instant MTIME = Instant.parse("2024-05-01T12:00:00Z");

    @TempDir
    static Path tmp;
    private static EmbeddedKafka kafka;

    @TempDir
    Path inbox;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0));
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private static Path write(Path file, byte[] bytes, Instant modified) throws IOException {
        Files.write(file, bytes);
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    private static byte[] jpeg() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "jpg", out);
        return out.toByteArray();
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static long count(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void imagesGoToKafkaAndDoneOthersToRejectedWithTheirReason() throws Exception {
        byte[] png = Fixtures.pngImages(1, 1)[0];
        write(inbox.resolve("digit.png"), png, MTIME);
        // A JPEG whose extension lies: the bytes decide.
        write(inbox.resolve("photo.dat"), jpeg(), MTIME);
        write(inbox.resolve("notes.txt"), "not an image".getBytes(StandardCharsets.UTF_8), MTIME);
        write(inbox.resolve("empty.png"), new byte[0], MTIME);
        write(inbox.resolve(".partial.png"), png, MTIME);
        // An earlier digit.png is already in done/: it must survive.
        Files.createDirectories(inbox.resolve(FolderWatcher.DONE));
        Files.writeString(inbox.resolve(FolderWatcher.DONE).resolve("digit.png"), "earlier");

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FolderWatchConfig config = FolderWatchConfig.of(inbox).withPollInterval(Duration.ofMillis(50))
                .withTopic(Topics.defaults().images().withName("folder-images"));
        try (FolderWatcher watcher = new FolderWatcher(config, KafkaClients.of(kafka.bootstrapServers()), registry)) {
            CompletableFuture<Void> running = CompletableFuture.runAsync(watcher::run);
            TestKafka.await("2 files sent and 2 rejected",
                    () -> watcher.acceptedCount() == 2 && watcher.rejectedCount() == 2);
            TestKafka.await("sent files moved", () -> count(inbox.resolve(FolderWatcher.DONE)) == 3);
            watcher.stop();
            running.get(10, TimeUnit.SECONDS);
        }

        assertThat(names(inbox)).containsExactly(".partial.png", FolderWatcher.DONE, FolderWatcher.REJECTED);
        assertThat(names(inbox.resolve(FolderWatcher.DONE))).containsExactly("digit-1.png", "digit.png", "photo.dat");
        assertThat(Files.readString(inbox.resolve(FolderWatcher.DONE).resolve("digit.png"))).isEqualTo("earlier");
        assertThat(Files.readAllBytes(inbox.resolve(FolderWatcher.DONE).resolve("digit-1.png"))).isEqualTo(png);
        Path rejected = inbox.resolve(FolderWatcher.REJECTED);
        assertThat(names(rejected)).containsExactly("empty.png", "empty.png.reason.txt", "notes.txt",
                "notes.txt.reason.txt");
        assertThat(Files.readString(rejected.resolve("notes.txt.reason.txt")))
                .startsWith("not-an-image: not a PNG or JPEG image (12 bytes starting with 0x6e6f7420616e2069)");
        assertThat(Files.readString(rejected.resolve("empty.png.reason.txt"))).startsWith("empty: ");

        Map<String, ConsumerRecord<String, byte[]>> records = TestKafka.read(kafka.bootstrapServers(),
                "folder-images", 2).stream().collect(Collectors.toMap(ConsumerRecord::key, r -> r));
        assertThat(records).containsOnlyKeys("digit.png", "photo.dat");
        assertThat(records.get("digit.png").value()).isEqualTo(png);
        ImageRecord.Metadata png1 = ImageRecord.read(records.get("digit.png").headers());
        assertThat(png1.source()).isEqualTo("folder:digit.png");
        assertThat(png1.contentType()).isEqualTo(ImageRecord.PNG);
        assertThat(png1.eventTime()).isEqualTo(MTIME);
        assertThat(png1.label()).isEmpty();
        assertThat(ImageRecord.read(records.get("photo.dat").headers()).contentType()).isEqualTo(ImageRecord.JPEG);

        assertThat(registry.get(IngestMetrics.RECORDS).tags(IngestMetrics.SOURCE, "folder",
                IngestMetrics.OUTCOME, IngestMetrics.REJECTED, IngestMetrics.REASON, IngestMetrics.NOT_AN_IMAGE)
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(IngestMetrics.RECORDS).tags(IngestMetrics.OUTCOME, IngestMetrics.ACCEPTED)
                .counter().count()).isEqualTo(2);
    }

    @Test
    void aFileIsTakenOnlyOnceItsSizeAndTimeHeldStillForAPoll() throws Exception {
        // Rejections happen inside poll(), so the rule shows without a broker (nothing is ever sent here).
        FolderWatchConfig config = FolderWatchConfig.of(inbox);
        try (FolderWatcher watcher = new FolderWatcher(config, KafkaClients.of("127.0.0.1:1"),
                new SimpleMeterRegistry())) {
            Path growing = write(inbox.resolve("growing.txt"), "a".getBytes(StandardCharsets.UTF_8), MTIME);
            watcher.poll();
            assertThat(watcher.rejectedCount()).isZero();

            write(growing, "ab".getBytes(StandardCharsets.UTF_8), MTIME);
            watcher.poll();
            assertThat(watcher.rejectedCount()).as("size changed since the last poll").isZero();

            write(growing, "ac".getBytes(StandardCharsets.UTF_8), MTIME.plusSeconds(1));
            watcher.poll();
            assertThat(watcher.rejectedCount()).as("time changed since the last poll").isZero();

            watcher.poll();
            assertThat(watcher.rejectedCount()).isEqualTo(1);
            assertThat(names(inbox.resolve(FolderWatcher.REJECTED)))
                    .containsExactly("growing.txt", "growing.txt.reason.txt");
        }
    }

    @Test
    void tooLargeFilesAreRejectedWithoutBeingRead() throws Exception {
        FolderWatchConfig config = FolderWatchConfig.of(inbox).withMaxFileBytes(100);
        try (FolderWatcher watcher = new FolderWatcher(config, KafkaClients.of("127.0.0.1:1"),
                new SimpleMeterRegistry())) {
            write(inbox.resolve("big.png"), Fixtures.pngImages(1, 2, 1, 64)[0], MTIME);
            watcher.poll();
            watcher.poll();
            assertThat(Files.readString(inbox.resolve(FolderWatcher.REJECTED).resolve("big.png.reason.txt")))
                    .startsWith("too-large: the file is ").contains("the limit is 100");
        }
    }

    @Test
    void theHostileCorpusIsSentOrRejectedWithItsReasonNextToValidImages() throws Exception {
        List<io.vitsom.model.data.HostileImages.Item> corpus = io.vitsom.model.data.HostileImages.corpus();
        // What the folder decides itself; everything else is sent and validation judges it downstream.
        Map<String, String> rejectedHere = new java.util.TreeMap<>();
        int sent = 0;
        for (int i = 0; i < corpus.size(); i++) {
            io.vitsom.model.data.HostileImages.Item item = corpus.get(i);
            write(inbox.resolve(item.name() + ".png"), item.bytes(), MTIME);
            write(inbox.resolve("valid-" + i + ".png"), io.vitsom.model.data.HostileImages.validPng(i), MTIME);
            sent++;
            switch (item.reason()) {
                case "too-large-image", "empty", "not-an-image" -> rejectedHere.put(item.name() + ".png",
                        item.reason());
                default -> sent++;
            }
        }
        FolderWatchConfig config = FolderWatchConfig.of(inbox).withPollInterval(Duration.ofMillis(50))
                .withTopic(Topics.defaults().images().withName("hostile-folder-images"));
        int expectedSent = sent;
        try (FolderWatcher watcher = new FolderWatcher(config, KafkaClients.of(kafka.bootstrapServers()),
                new SimpleMeterRegistry())) {
            CompletableFuture<Void> running = CompletableFuture.runAsync(watcher::run);
            TestKafka.await("every file decided", () -> watcher.acceptedCount() == expectedSent
                    && watcher.rejectedCount() == rejectedHere.size());
            watcher.stop();
            running.get(10, TimeUnit.SECONDS);
        }
        Path rejected = inbox.resolve(FolderWatcher.REJECTED);
        for (Map.Entry<String, String> e : rejectedHere.entrySet()) {
            assertThat(Files.readString(rejected.resolve(e.getKey() + ".reason.txt"))).as(e.getKey())
                    .startsWith(e.getValue() + ": ");
        }
        assertThat(TestKafka.read(kafka.bootstrapServers(), "hostile-folder-images", expectedSent).stream()
                .map(ConsumerRecord::key).filter(k -> k.startsWith("valid-")).count()).isEqualTo(corpus.size());
    }
}
