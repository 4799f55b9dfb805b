package io.vitsom.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ai.djl.ndarray.NDManager;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.nn.VitSom;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Messages;
import io.vitsom.stream.ModelSignatures;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Serving loads only the checkpoints it may trust: under its root, signed with the learner's key, of its version. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ModelTrustTest {
    private static final Topics TOPICS = Topics.defaults();

    @TempDir
    Path tmp;

    private ModelSignatures key(String text) throws Exception {
        Path file = tmp.resolve("key-" + text.length());
        Files.writeString(file, text);
        return ModelSignatures.fromKeyFile(file);
    }

    @Test
    void aCheckpointOutsideTheRootIsRefusedAlsoThroughALinkInsideIt() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("checkpoints"));
        Path inside = Fixtures.tinyCheckpoint(root.resolve("v000001"), 1, 1);
        Path outside = Fixtures.tinyCheckpoint(tmp.resolve("elsewhere"), 2, 2);
        Files.createSymbolicLink(root.resolve("v000002"), outside);
        ModelTrust trust = new ModelTrust(Optional.of(root), ModelSignatures.none());

        assertThat(trust.check(inside.toString(), new byte[0], null)).isEqualTo(inside.toRealPath());
        assertThat(trust.check(root.resolve("x/../v000001").toString(), new byte[0], null))
                .isEqualTo(inside.toRealPath());
        for (Path forged : new Path[] {outside, root.resolve("v000002"), root.resolve("../elsewhere")}) {
            assertThatThrownBy(() -> trust.check(forged.toString(), new byte[0], null))
                    .isInstanceOfSatisfying(UntrustedModelException.class,
                            e -> assertThat(e.reason()).isEqualTo(UntrustedModelException.OUTSIDE_ROOT))
                    .hasMessageContaining("is outside --checkpoint-root");
        }
    }

    @Test
    void withAKeyOnlyARecordSignedTogetherWithItsManifestPasses() throws Exception {
        Path checkpoint = Fixtures.tinyCheckpoint(tmp.resolve("v000001"), 1, 1);
        byte[] record = "{\"version\":1}".getBytes(StandardCharsets.UTF_8);
        ModelSignatures learner = key("the learner's key, 32 bytes long");
        String signature = learner.sign(record, Files.readAllBytes(checkpoint.resolve(Checkpoint.MANIFEST)));
        ModelTrust trust = new ModelTrust(Optional.empty(), learner);

        assertThat(trust.check(checkpoint.toString(), record, signature)).isEqualTo(checkpoint);
        assertThatThrownBy(() -> trust.check(checkpoint.toString(), record, null))
                .hasMessageContaining("is not signed");
        assertThatThrownBy(() -> new ModelTrust(Optional.empty(), key("someone else's key, 32 bytes!!"))
                .check(checkpoint.toString(), record, signature)).hasMessageContaining("does not match");
        // The same record with other checkpoint files: the manifest no longer matches the signature.
        Files.writeString(checkpoint.resolve(Checkpoint.MANIFEST), "{\"files\":{}}");
        assertThatThrownBy(() -> trust.check(checkpoint.toString(), record, signature))
                .isInstanceOfSatisfying(UntrustedModelException.class,
                        e -> assertThat(e.reason()).isEqualTo(UntrustedModelException.BAD_SIGNATURE));
    }

    @Test
    void aForgedRecordWithAHugeVersionIsRefusedAndLaterGenuineVersionsStillLoad() throws Exception {
        Path v1 = learnerCheckpoint(tmp.resolve("ckpt/v000001"), 1);
        Path v2 = learnerCheckpoint(tmp.resolve("ckpt/v000002"), 2);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0))) {
            KafkaClients clients = KafkaClients.of(kafka.bootstrapServers());
            try (Admin admin = clients.admin("test")) {
                TOPICS.createMissing(admin, (short) 1, Duration.ofSeconds(30));
            }
            ModelTrust trust = new ModelTrust(Optional.of(tmp.resolve("ckpt")), ModelSignatures.none());
            try (ModelWatcher watcher = ModelWatcher.start(clients, TOPICS.models(), trust, Optional.empty());
                    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                            kafka.bootstrapServers()), TOPICS.models().keySerde().serializer(),
                            TOPICS.models().valueSerde().serializer())) {
                java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
                watcher.addListener(new ModelWatcher.Listener() {
                    @Override
                    public void inService(Messages.ModelVersion version) {
                        events.add("in service " + version.version());
                    }

                    @Override
                    public void refused(Messages.ModelVersion version, String reason) {
                        events.add("refused " + version.version() + ": " + reason);
                    }
                });
                publish(producer, AssignmentTopologyTest.version(1, v1));
                assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo("in service 1");
                // A record on the compacted topic claiming version 10^12 for the real checkpoint v1.
                publish(producer, AssignmentTopologyTest.version(1_000_000_000_000L, v1));
                publish(producer, AssignmentTopologyTest.version(2, v2));
                // Both arrive in one batch or in two: the forged one is refused for good either way.
                String first = events.poll(30, TimeUnit.SECONDS);
                String second = first != null && first.startsWith("refused") ? events.poll(30, TimeUnit.SECONDS)
                        : first;
                assertThat(second).isEqualTo("in service 2");
                assertThat(watcher.current()).map(Messages.ModelVersion::version).contains(2L);
                assertThat(watcher.untrustedModels()).isEqualTo(1);
            }
        }
    }

    private static void publish(KafkaProducer<String, byte[]> producer, Messages.ModelVersion version)
            throws Exception {
        producer.send(new ProducerRecord<>(TOPICS.models().name(), String.format("v%06d", version.version()),
                Messages.toJson(version))).get();
    }

    /** A tiny checkpoint whose provenance records its version, as the learner's do. */
    static Path learnerCheckpoint(Path dir, long version) throws Exception {
        ObjectNode provenance = JsonNodeFactory.instance.objectNode().put("kind", "stream").put("version", version);
        try (NDManager manager = NDManager.newBaseManager()) {
            VitSom model = VitSom.builder().setConfig(Fixtures.tinyConfig()).build();
            model.initialize(manager);
            Checkpoint.save(dir, model, Map.of(), version, version, 0, provenance);
        }
        return dir;
    }
}
