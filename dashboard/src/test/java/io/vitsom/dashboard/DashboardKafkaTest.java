package io.vitsom.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole dashboard against a real in-process broker: the feed reads the five {@code som.*} topics (skipping a
 * malformed record), the lag probe reads the committed offsets of the learner's group, and the page's JSON shows
 * both, drift fields, map events and the learner's continual-learning state included.
 */
@ExtendWith(VertxExtension.class)
class DashboardKafkaTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final Messages.MapEvent DRIFT = new Messages.MapEvent("drift", "quantization_error",
            "page_hinkley", 0.125, "2025-01-01T00:00:02Z", 1_280, 1, "QE rose by 0.125 <b>after</b> 1,280 images");

    @TempDir
    static Path tmp;
    private static EmbeddedKafka kafka;
    private static KafkaClients clients;

    @BeforeAll
    static void startBrokerAndPublish() throws Exception {
        kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0));
        clients = KafkaClients.of(kafka.bootstrapServers());
        try (Admin admin = clients.admin("test")) {
            TOPICS.createMissing(admin, (short) 1, Duration.ofSeconds(30));
        }
        Properties props = clients.base("test-producer");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            JsonObject model = new JsonObject(new String(Messages.toJson(new Messages.ModelVersion(1, 5, 640,
                    "/runs/checkpoints/v000001", "2025-01-01T00:00:00Z", "test", 7, Samples.ROWS, Samples.COLS,
                    "square", Map.of("images.valid-0", 4L))), StandardCharsets.UTF_8)).put("drift_mean", 0.03);
            producer.send(new ProducerRecord<>(TOPICS.models().name(), bytes("v000001"), model.encode().getBytes(
                    StandardCharsets.UTF_8)));
            for (int unit = 0; unit < Samples.UNITS; unit++) {
                producer.send(new ProducerRecord<>(TOPICS.prototypes().name(),
                        TOPICS.prototypes().keySerde().serializer().serialize(null, unit),
                        Messages.toJson(Samples.prototype(unit, 1))));
            }
            long now = System.currentTimeMillis();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(TOPICS.assignments().name(), bytes("img-" + i),
                        Messages.toJson(new Messages.Bmu(i, i / Samples.COLS, i % Samples.COLS, 0.5, 1, now,
                                Integer.toString(i % 2), (i + 1) % Samples.UNITS))));
            }
            producer.send(new ProducerRecord<>(TOPICS.assignments().name(), bytes("junk"), bytes("not json")));
            // The learner's side: a drift and a shadow map started, then two learning states, the second as a
            // learner writes an undefined double (the JSON string "NaN") and with a shadow map training.
            producer.send(new ProducerRecord<>(TOPICS.events().name(), bytes("drift"), Messages.toJson(DRIFT)));
            producer.send(new ProducerRecord<>(TOPICS.events().name(), bytes("shadow-started"),
                    Messages.toJson(new Messages.MapEvent("shadow-started", null, null, null,
                            "2025-01-01T00:00:05+01:00", 1_300, 1, "shadow map started"))));
            producer.send(new ProducerRecord<>(TOPICS.events().name(), bytes("drift"), bytes("{\"type\": 3}")));
            producer.send(new ProducerRecord<>(TOPICS.learning().name(), bytes("learner"), Messages.toJson(
                    new Messages.LearningState("2025-01-01T00:00:00Z", 1, 5, 640, 0, 64, 0, 0, 0.0, 0.5, 1e-3, 0, 0,
                            0, false, new Messages.MapQuality(0.4, 0.1), null))));
            JsonObject later = new JsonObject(new String(Messages.toJson(new Messages.LearningState(
                    "2025-01-01T00:00:10Z", 1, 10, 1280, 320, 60.5, 30.25, 512, 0.75, 0.5, 1e-3, 3, 1, 2, true,
                    new Messages.MapQuality(0.3, 0.05), new Messages.MapQuality(0.25, 0.04))),
                    StandardCharsets.UTF_8)).put("temperature", "NaN");
            producer.send(new ProducerRecord<>(TOPICS.learning().name(), bytes("learner"),
                    later.encode().getBytes(StandardCharsets.UTF_8)));
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(TOPICS.imagesValid().name(), 0, bytes("v-" + i), bytes("png")));
            }
            producer.flush();
        }
        // The learner committed 4 of the 10 images of partition 0; serving committed nothing.
        Properties group = clients.base("test-learner");
        group.put(ConsumerConfig.GROUP_ID_CONFIG, "vitsom-learner");
        try (KafkaConsumer<byte[], byte[]> learner = new KafkaConsumer<>(group, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition p0 = new TopicPartition(TOPICS.imagesValid().name(), 0);
            learner.assign(java.util.List.of(p0));
            learner.commitSync(Map.of(p0, new OffsetAndMetadata(4)));
        }
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
    void feedAndLagFillTheStateTheApiShows(Vertx vertx, VertxTestContext ctx) {
        DashboardConfig config = DashboardConfig.defaults(clients, TOPICS).withAddress("127.0.0.1", 0)
                .withIntervals(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(200));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WebClient client = WebClient.create(vertx);
        Dashboard.deploy(vertx, config, registry).onComplete(ctx.succeeding(dashboard -> {
            DashboardState state = dashboard.state();
            vertx.setPeriodic(100, timer -> {
                boolean ready = state.models().size() == 1
                        && state.prototypes().map(v -> java.util.Arrays.stream(v.byUnit()).allMatch(p -> p != null))
                                .orElse(false)
                        && state.window().map(w -> w.snapshot().images() == 5).orElse(false)
                        && state.lag().groups().size() == 2
                        && state.latestSample().isPresent()
                        && state.learner().events().size() == 2
                        && state.learner().learningHistory().size() == 2;
                if (!ready) {
                    return;
                }
                vertx.cancelTimer(timer);
                client.get(dashboard.port(), "127.0.0.1", "/api/state").send()
                        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
                            JsonObject json = response.bodyAsJsonObject();
                            assertThat(json.getLong("assignments_read")).as("the junk record is skipped").isEqualTo(5);
                            JsonObject model = json.getJsonArray("models").getJsonObject(0);
                            assertThat(model.getDouble("drift_mean")).isEqualTo(0.03);
                            assertThat(model.getValue("drift_max")).isNull();
                            JsonObject lag = json.getJsonObject("lag");
                            assertThat(lag.getString("topic")).isEqualTo("images.valid");
                            assertThat(lag.getValue("error")).isNull();
                            JsonObject learner = lag.getJsonArray("groups").getJsonObject(0);
                            assertThat(learner.getString("group")).isEqualTo("vitsom-learner");
                            assertThat(learner.getLong("total")).isEqualTo(6);
                            JsonObject serving = lag.getJsonArray("groups").getJsonObject(1);
                            assertThat(serving.getLong("total")).as("nothing committed: all 10").isEqualTo(10);
                            assertThat(json.getJsonObject("images").getLong("prototypes")).isNotNull();
                            assertThat(json.getJsonArray("history")).isNotEmpty();

                            // Events newest first, the malformed one skipped; times as epoch milliseconds.
                            JsonArray events = json.getJsonArray("events");
                            assertThat(events).hasSize(2);
                            assertThat(events.getJsonObject(0).getString("type")).isEqualTo("shadow-started");
                            assertThat(events.getJsonObject(0).getLong("time"))
                                    .isEqualTo(Instant.parse("2024-12-31T23:00:05Z").toEpochMilli());
                            assertThat(events.getJsonObject(0).getValue("magnitude")).isNull();
                            JsonObject drift = events.getJsonObject(1);
                            assertThat(drift.getString("id")).isEqualTo("0-0");
                            assertThat(drift.getString("series")).isEqualTo("quantization_error");
                            assertThat(drift.getString("detector")).isEqualTo("page_hinkley");
                            assertThat(drift.getDouble("magnitude")).isEqualTo(0.125);
                            assertThat(drift.getString("detected_at")).isEqualTo(DRIFT.detectedAt());
                            assertThat(drift.getLong("time"))
                                    .isEqualTo(Instant.parse(DRIFT.detectedAt()).toEpochMilli());
                            assertThat(drift.getLong("detected_at_images")).isEqualTo(1_280);
                            assertThat(drift.getLong("model_version")).isEqualTo(1);
                            assertThat(drift.getString("message")).isEqualTo(DRIFT.message());

                            // The newest learning state, and both in the history the plasticity chart draws.
                            JsonObject learning = json.getJsonObject("learning");
                            assertThat(learning.getDouble("plasticity")).isEqualTo(0.75);
                            assertThat(learning.getValue("temperature")).as("\"NaN\" is undefined: null").isNull();
                            assertThat(learning.getLong("novel_images")).isEqualTo(3);
                            assertThat(learning.getLong("detections")).isEqualTo(1);
                            assertThat(learning.getLong("reseeded_units")).isEqualTo(2);
                            assertThat(learning.getInteger("reservoir_images")).isEqualTo(512);
                            assertThat(learning.getDouble("fresh_per_second")).isEqualTo(60.5);
                            assertThat(learning.getDouble("rehearsed_per_second")).isEqualTo(30.25);
                            assertThat(learning.getBoolean("detectors_armed")).isTrue();
                            assertThat(learning.getJsonObject("live").getDouble("quantization_error"))
                                    .isEqualTo(0.3);
                            assertThat(learning.getJsonObject("shadow").getDouble("topographic_error"))
                                    .isEqualTo(0.04);
                            assertThat(learning.getString("time_iso")).isEqualTo("2025-01-01T00:00:10Z");
                            JsonArray learningHistory = json.getJsonArray("learning_history");
                            assertThat(learningHistory).hasSize(2);
                            assertThat(learningHistory.getJsonObject(0).getDouble("plasticity")).isZero();
                            assertThat(learningHistory.getJsonObject(0).getValue("shadow")).isNull();
                            assertThat(learningHistory.getJsonObject(1)).isEqualTo(learning);
                            ctx.completeNow();
                        })));
            });
        }));
    }
}
