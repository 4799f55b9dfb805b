package io.vitsom.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
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
 * The whole dashboard against a real in-process broker: the feed reads the three {@code som.*} topics (skipping a
 * malformed record), the lag probe reads the committed offsets of the learner's group, and the page's JSON shows
 * both, drift fields included.
 */
@ExtendWith(VertxExtension.class)
class DashboardKafkaTest {
    private static final Topics TOPICS = Topics.defaults();

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
                        && state.latestSample().isPresent();
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
                            ctx.completeNow();
                        })));
            });
        }));
    }
}
