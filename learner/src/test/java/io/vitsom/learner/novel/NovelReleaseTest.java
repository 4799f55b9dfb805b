package io.vitsom.learner.novel;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.TestTopics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Releasing quarantined images against the real in-process broker, through the API and the command. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NovelReleaseTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration SETTLE = Duration.ofMillis(500);

    @TempDir
    Path tmp;

    @Test
    void releasesByKeyAndAllOnceAndRecordsEachCall() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0))) {
            String bootstrap = kafka.bootstrapServers();
            NovelRelease release = new NovelRelease(KafkaClients.of(bootstrap), TOPICS);
            for (int i = 1; i <= 5; i++) {
                quarantine(bootstrap, "k" + i, i);
            }

            NovelRelease.Result byKey = release.release(NovelRelease.Selection.keys(Set.of("k2", "k9")), WAIT);
            assertThat(byKey).isEqualTo(new NovelRelease.Result(1, List.of("k2"), List.of("k9"), true));
            ConsumerRecord<byte[], byte[]> k2 = single(valid(bootstrap, 1));
            assertThat(TestTopics.key(k2)).isEqualTo("k2");
            assertThat(k2.value()).isEqualTo(image(2));
            // The original headers in their order, the quarantine's dropped, the release mark added.
            assertThat(headerKeys(k2)).containsExactly(ImageRecord.CONTENT_TYPE, ImageRecord.SOURCE,
                    ImageRecord.LABEL, ImageRecord.EVENT_TIME, NovelHeaders.RELEASED);
            assertThat(TestTopics.header(k2, ImageRecord.LABEL)).isEqualTo("2");
            assertThat(TestTopics.header(k2, ImageRecord.EVENT_TIME)).isEqualTo(Long.toString(eventTime(2)));
            assertThat(TestTopics.header(k2, NovelHeaders.RELEASED)).isEqualTo("true");
            Messages.MapEvent event = events(bootstrap, 1).get(0);
            assertThat(event.type()).isEqualTo(NovelRelease.EVENT_TYPE);
            assertThat(event.magnitude()).isEqualTo(1.0);
            assertThat(event.message()).contains("k2").contains("not found: k9");
            assertThat(event.detectedAtImages()).isEqualTo(-1);
            assertThat(event.modelVersion()).isEqualTo(-1);
            assertThat(Instant.parse(event.detectedAt())).isBefore(Instant.now().plusSeconds(1));

            // By key nothing is committed, so the first "all" releases k2 again with the others; the second finds
            // nothing new.
            NovelRelease.Result all = release.release(NovelRelease.Selection.all(), WAIT);
            assertThat(all).isEqualTo(new NovelRelease.Result(5, List.of("k1", "k2", "k3", "k4", "k5"), List.of(),
                    true));
            assertThat(valid(bootstrap, 6)).extracting(TestTopics::key)
                    .containsExactlyInAnyOrder("k2", "k1", "k2", "k3", "k4", "k5");
            assertThat(release.release(NovelRelease.Selection.all(), WAIT))
                    .isEqualTo(new NovelRelease.Result(0, List.of(), List.of(), true));
            assertThat(events(bootstrap, 3)).extracting(Messages.MapEvent::magnitude).containsExactly(1.0, 5.0, 0.0);

            // The command goes on from the same group: only the image quarantined since.
            quarantine(bootstrap, "k6", 6);
            Run cli = cli("--bootstrap", bootstrap, "--all");
            assertThat(cli.status).as(cli.err).isZero();
            assertThat(cli.out).contains("released k6\n").contains("released 1 novel image from images.novel to "
                    + "images.valid (all not released before)");
            assertThat(valid(bootstrap, 7)).extracting(TestTopics::key).contains("k6");

            Run missing = cli("--bootstrap", bootstrap, "--key", "k9", "--key", "k3");
            assertThat(missing.status).isEqualTo(1);
            assertThat(missing.out).contains("released k3\n");
            assertThat(missing.err).contains("not found on images.novel: k9");
            assertThat(events(bootstrap, 5)).hasSize(5);
        }
    }

    @Test
    void asksForExactlyOneOfAllAndKey() {
        assertThat(cli().status).isEqualTo(2);
        Run both = cli("--all", "--key", "k1");
        assertThat(both.status).isEqualTo(2);
        assertThat(both.err).contains("mutually exclusive");
        assertThat(cli("--key", " ").status).isEqualTo(2);
        assertThat(cli("--all", "--timeout", "soon").err).contains("not a duration");
    }

    @Test
    void anUnreachableBrokerIsOneLine() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Run run = cli("--bootstrap", "127.0.0.1:" + port, "--all", "--timeout", "3s");
        assertThat(run.status).isEqualTo(1);
        assertThat(run.err.strip()).startsWith("error: cannot reach Kafka at 127.0.0.1:" + port)
                .doesNotContain("\n").doesNotContain("\tat ");
        assertThat(run.out).isEmpty();
    }

    /** What the learner does to a novel image: the original record, plus the quarantine headers. */
    private static void quarantine(String bootstrap, String key, int i) {
        RecordHeaders headers = new RecordHeaders();
        ImageRecord.write(headers, new ImageRecord.Metadata(ImageRecord.PNG, "test", Optional.of(Integer.toString(i)),
                Instant.ofEpochMilli(eventTime(i))));
        ImageRecord.put(headers, NovelHeaders.DISTANCE, "3.25");
        ImageRecord.put(headers, NovelHeaders.THRESHOLD, "1.5");
        ImageRecord.put(headers, NovelHeaders.MODEL_VERSION, "7");
        ImageRecord.put(headers, NovelHeaders.SOURCE, TOPICS.imagesValid().name() + "-0@" + i);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(TOPICS.imagesNovel().name(), null,
                    key.getBytes(StandardCharsets.UTF_8), image(i), headers));
        }
    }

    private static byte[] image(int i) {
        return ("image " + i).getBytes(StandardCharsets.UTF_8);
    }

    private static long eventTime(int i) {
        return 1_700_000_000_000L + i;
    }

    private static List<ConsumerRecord<byte[], byte[]>> valid(String bootstrap, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = TestTopics.read(bootstrap, TOPICS.imagesValid().name(), count,
                WAIT, SETTLE);
        assertThat(records).hasSize(count);
        return records;
    }

    private static List<Messages.MapEvent> events(String bootstrap, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = TestTopics.read(bootstrap, TOPICS.events().name(), count,
                WAIT, SETTLE);
        assertThat(records).hasSize(count).allSatisfy(r -> assertThat(TestTopics.key(r))
                .isEqualTo(NovelRelease.EVENT_TYPE));
        return records.stream().map(r -> Messages.fromJson(r.value(), Messages.MapEvent.class)).toList();
    }

    private static ConsumerRecord<byte[], byte[]> single(List<ConsumerRecord<byte[], byte[]>> records) {
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    private static List<String> headerKeys(ConsumerRecord<byte[], byte[]> record) {
        return java.util.Arrays.stream(record.headers().toArray()).map(Header::key).toList();
    }

    private record Run(int status, String out, String err) {
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new ReleaseNovelCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int status = command.execute(args);
        return new Run(status, out.toString(), err.toString());
    }
}
