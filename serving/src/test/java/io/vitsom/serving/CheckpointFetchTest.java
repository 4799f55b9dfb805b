package io.vitsom.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Messages;
import io.vitsom.stream.ModelSignatures;
import io.vitsom.stream.Topics;
import io.vitsom.stream.http.BearerAuth;
import io.vitsom.stream.http.CheckpointFiles;
import io.vitsom.stream.http.StatusVerticle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/**
 * Serving with its own, empty working directory: the checkpoint a signed {@code som.models} record announces is
 * fetched from the learner's status server into serving's cache, verified, and put in service.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CheckpointFetchTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final String TOKEN = "learner-token-of-some-length";

    @TempDir
    Path tmp;

    @Test
    void aSignedVersionIsFetchedFromTheLearnerIntoAnEmptyCacheAndServed() throws Exception {
        Path learnerDir = tmp.resolve("learner/checkpoints");
        Path checkpoint = ModelTrustTest.learnerCheckpoint(learnerDir.resolve("v000001"), 1);
        Path keyFile = tmp.resolve("model.key");
        Files.writeString(keyFile, "the shared model key, 32 bytes!!");
        ModelSignatures key = ModelSignatures.fromKeyFile(keyFile);
        Path cache = tmp.resolve("serving/checkpoints");
        Vertx vertx = Vertx.vertx();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0))) {
            StatusVerticle learnerStatus = new StatusVerticle("127.0.0.1", 0,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> new JsonObject().put("status", "UP"),
                    BearerAuth.ofToken(TOKEN), router -> CheckpointFiles.add(router, learnerDir));
            vertx.deployVerticle(learnerStatus).await(30, TimeUnit.SECONDS);
            URI learner = URI.create("http://127.0.0.1:" + learnerStatus.actualPort());

            // The learner's files are behind its token, and only those its manifests name are served.
            HttpClient http = HttpClient.newHttpClient();
            assertThat(http.send(HttpRequest.newBuilder(learner.resolve("/checkpoints/v000001/manifest.json")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(learner.resolve("/checkpoints/v000001/..%2F..%2Fmodel.key"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode()).isEqualTo(404);

            KafkaClients clients = KafkaClients.of(kafka.bootstrapServers());
            try (Admin admin = clients.admin("test")) {
                TOPICS.createMissing(admin, (short) 1, Duration.ofSeconds(30));
            }
            CheckpointFetcher fetcher = new CheckpointFetcher(learner, cache, Optional.of(TOKEN));
            ModelTrust trust = new ModelTrust(Optional.of(Files.createDirectories(cache)), key);
            try (ModelWatcher watcher = ModelWatcher.start(clients, TOPICS.models(), trust, Optional.of(fetcher));
                    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                            kafka.bootstrapServers()), TOPICS.models().keySerde().serializer(),
                            TOPICS.models().valueSerde().serializer())) {
                byte[] value = Messages.toJson(AssignmentTopologyTest.version(1, checkpoint));
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(TOPICS.models().name(), "v000001", value);
                record.headers().add(ModelSignatures.HEADER, key.sign(value,
                        Files.readAllBytes(checkpoint.resolve(Checkpoint.MANIFEST))).getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();

                assertThat(watcher.awaitFirst(Duration.ofSeconds(30))).map(Messages.ModelVersion::version)
                        .contains(1L);
                assertThat(Path.of(watcher.current().orElseThrow().checkpoint())).isEqualTo(cache.resolve("v000001"));
                assertThat(cache.resolve("v000001").resolve(Checkpoint.MANIFEST)).hasSameBinaryContentAs(
                        checkpoint.resolve(Checkpoint.MANIFEST));
                assertThat(watcher.untrustedModels()).isZero();
            }
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }
}
