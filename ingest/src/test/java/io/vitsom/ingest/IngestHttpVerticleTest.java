package io.vitsom.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import io.vitsom.stream.http.BearerAuth;
import io.vitsom.stream.testing.Fixtures;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The upload endpoint against a real in-process broker; asynchronous, no sleeps. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IngestHttpVerticleTest {
    private static final String TOPIC = "http-images";
    private static final int MAX_BODY_BYTES = 4096;

    @TempDir
    static Path tmp;
    private static EmbeddedKafka kafka;

    private PrometheusMeterRegistry registry;
    private IngestHttpVerticle verticle;
    private HttpClient client;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0));
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private static HttpIngestConfig config() {
        return HttpIngestConfig.defaults().withAddress("127.0.0.1", 0).withMaxBodyBytes(MAX_BODY_BYTES)
                .withTopic(Topics.defaults().images().withName(TOPIC));
    }

    @BeforeEach
    void deploy(Vertx vertx, VertxTestContext context) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        verticle = new IngestHttpVerticle(config(), KafkaClients.of(kafka.bootstrapServers()), registry);
        client = vertx.createHttpClient();
        vertx.deployVerticle(verticle).onComplete(context.succeedingThenComplete());
    }

    private Future<Response> post(String uri, Buffer body) {
        return client.request(HttpMethod.POST, verticle.actualPort(), "127.0.0.1", uri)
                .compose(request -> request.putHeader("content-type", "image/png").send(body))
                .compose(response -> response.body().map(text -> new Response(response.statusCode(),
                        text.toString(StandardCharsets.UTF_8), response.getHeader("retry-after"))));
    }

    private Future<Response> get(String uri) {
        return client.request(HttpMethod.GET, verticle.actualPort(), "127.0.0.1", uri)
                .compose(request -> request.send())
                .compose(response -> response.body().map(text -> new Response(response.statusCode(),
                        text.toString(StandardCharsets.UTF_8), null)));
    }

    @Test
    void uploadAnswersWhereTheRecordLandedAndTheRecordIsReadable(Vertx vertx, VertxTestContext context) {
        byte[] png = Fixtures.pngImages(1, 7)[0];
        post(IngestHttpVerticle.IMAGES_PATH + "?key=upload-1&label=7", Buffer.buffer(png))
                .compose(response -> {
                    context.verify(() -> assertThat(response.status()).as(response.body()).isEqualTo(201));
                    JsonObject answer = new JsonObject(response.body());
                    // Reading Kafka blocks: off the event loop.
                    return vertx.executeBlocking(() -> new Uploaded(answer, TestKafka.read(kafka.bootstrapServers(),
                            TOPIC, 1).stream().filter(r -> r.key().equals("upload-1")).toList()));
                })
                .onComplete(context.succeeding(uploaded -> context.verify(() -> {
                    JsonObject answer = uploaded.answer();
                    assertThat(answer.getString("key")).isEqualTo("upload-1");
                    assertThat(answer.getString("topic")).isEqualTo(TOPIC);
                    assertThat(uploaded.records()).hasSize(1);
                    ConsumerRecord<String, byte[]> record = uploaded.records().get(0);
                    assertThat(record.partition()).isEqualTo(answer.getInteger("partition"));
                    assertThat(record.offset()).isEqualTo(answer.getLong("offset"));
                    assertThat(record.value()).isEqualTo(png);
                    ImageRecord.Metadata metadata = ImageRecord.read(record.headers());
                    assertThat(metadata.source()).isEqualTo("http");
                    assertThat(metadata.label()).isEqualTo(Optional.of("7"));
                    assertThat(metadata.contentType()).isEqualTo(ImageRecord.PNG);
                    context.completeNow();
                })));
    }

    @Test
    void withoutAKeyTheServerMakesOne(VertxTestContext context) {
        post(IngestHttpVerticle.IMAGES_PATH, Buffer.buffer(Fixtures.pngImages(1, 8)[0]))
                .onComplete(context.succeeding(response -> context.verify(() -> {
                    assertThat(response.status()).isEqualTo(201);
                    assertThat(new JsonObject(response.body()).getString("key")).startsWith("http-");
                    context.completeNow();
                })));
    }

    @Test
    void emptyBodiesAndBytesThatAreNotImagesGet400(VertxTestContext context) {
        post(IngestHttpVerticle.IMAGES_PATH, Buffer.buffer())
                .compose(empty -> {
                    context.verify(() -> {
                        assertThat(empty.status()).isEqualTo(400);
                        assertThat(new JsonObject(empty.body()).getString("error")).isEqualTo(IngestMetrics.EMPTY);
                    });
                    return post(IngestHttpVerticle.IMAGES_PATH, Buffer.buffer("hello, not a picture"));
                })
                .compose(text -> {
                    context.verify(() -> {
                        assertThat(text.status()).isEqualTo(400);
                        JsonObject json = new JsonObject(text.body());
                        assertThat(json.getString("error")).isEqualTo(IngestMetrics.NOT_AN_IMAGE);
                        assertThat(json.getString("message")).contains("not a PNG or JPEG");
                    });
                    return post(IngestHttpVerticle.IMAGES_PATH + "?key=%20", Buffer.buffer(Fixtures.pngImages(1, 9)[0]));
                })
                .onComplete(context.succeeding(blankKey -> context.verify(() -> {
                    assertThat(blankKey.status()).isEqualTo(400);
                    assertThat(blankKey.body()).contains("key");
                    context.completeNow();
                })));
    }

    @Test
    void bodiesOverTheLimitGet413(VertxTestContext context) {
        byte[] big = Fixtures.pngImages(1, 3, 1, 64)[0];
        assertThat(big.length).isGreaterThan(MAX_BODY_BYTES);
        post(IngestHttpVerticle.IMAGES_PATH, Buffer.buffer(big))
                .onComplete(context.succeeding(response -> context.verify(() -> {
                    assertThat(response.status()).isEqualTo(413);
                    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo(IngestMetrics.TOO_LARGE);
                    context.completeNow();
                })));
    }

    @Test
    void healthAndMetricsAreServedAndCountOutcomes(VertxTestContext context) {
        post(IngestHttpVerticle.IMAGES_PATH, Buffer.buffer("nope"))
                .compose(rejected -> get("/health"))
                .compose(health -> {
                    context.verify(() -> {
                        assertThat(health.status()).isEqualTo(200);
                        assertThat(new JsonObject(health.body()).getString("status")).isEqualTo("UP");
                    });
                    return get("/metrics");
                })
                .onComplete(context.succeeding(metrics -> context.verify(() -> {
                    assertThat(metrics.status()).isEqualTo(200);
                    assertThat(metrics.body())
                            .contains("vitsom_ingest_records_total{outcome=\"rejected\",reason=\"not-an-image\","
                                    + "source=\"http\"} 1.0")
                            .contains("vitsom_ingest_records_total{outcome=\"accepted\",reason=\"none\","
                                    + "source=\"http\"} 0.0");
                    context.completeNow();
                })));
    }

    @Test
    void anUploadTheBrokerDoesNotAcknowledgeGets503(Vertx vertx, VertxTestContext context) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            closedPort = socket.getLocalPort();
        }
        IngestHttpVerticle unreachable = new IngestHttpVerticle(config().withAckTimeout(Duration.ofMillis(500)),
                KafkaClients.of("127.0.0.1:" + closedPort), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        vertx.deployVerticle(unreachable)
                .compose(id -> client.request(HttpMethod.POST, unreachable.actualPort(), "127.0.0.1",
                        IngestHttpVerticle.IMAGES_PATH))
                .compose(request -> request.send(Buffer.buffer(Fixtures.pngImages(1, 4)[0])))
                .compose(response -> response.body().map(body -> new Response(response.statusCode(),
                        body.toString(StandardCharsets.UTF_8), response.getHeader("retry-after"))))
                .onComplete(context.succeeding(response -> context.verify(() -> {
                    assertThat(response.status()).isEqualTo(503);
                    assertThat(response.retryAfter()).isNotNull();
                    assertThat(new JsonObject(response.body()).getString("error"))
                            .isEqualTo(IngestMetrics.BROKER_TIMEOUT);
                    context.completeNow();
                })));
    }

    @Test
    void deploymentFailsWhenThePortIsTaken(Vertx vertx, VertxTestContext context) {
        IngestHttpVerticle second = new IngestHttpVerticle(config().withAddress("127.0.0.1", verticle.actualPort()),
                KafkaClients.of(kafka.bootstrapServers()), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        vertx.deployVerticle(second).onComplete(context.failing(error -> context.verify(() -> {
            assertThat(error).hasMessageContaining("cannot listen on 127.0.0.1:" + verticle.actualPort());
            context.completeNow();
        })));
    }

    /** The answer to an upload and the records found under its key. */
    @Test
    void withATokenUploadsNeedTheBearerTokenWhileHealthAndMetricsStayOpen(Vertx vertx, VertxTestContext context) {
        String token = "ingest-token";
        IngestHttpVerticle secured = new IngestHttpVerticle(config(), KafkaClients.of(kafka.bootstrapServers()),
                registry, BearerAuth.ofToken(token));
        Buffer png = Buffer.buffer(Fixtures.pngImages(1, 9)[0]);
        vertx.deployVerticle(secured)
                .compose(id -> exchange(HttpMethod.POST, secured, IngestHttpVerticle.IMAGES_PATH, null, png))
                .compose(anonymous -> {
                    context.verify(() -> {
                        assertThat(anonymous.status()).isEqualTo(401);
                        assertThat(new JsonObject(anonymous.body()).getString("reason")).isEqualTo("unauthorized");
                    });
                    return exchange(HttpMethod.POST, secured, IngestHttpVerticle.IMAGES_PATH, "Bearer nope", png);
                })
                .compose(wrong -> {
                    context.verify(() -> assertThat(wrong.status()).isEqualTo(401));
                    return exchange(HttpMethod.POST, secured, IngestHttpVerticle.IMAGES_PATH, "Bearer " + token, png);
                })
                .compose(right -> {
                    context.verify(() -> assertThat(right.status()).as(right.body()).isEqualTo(201));
                    return exchange(HttpMethod.GET, secured, "/health", null, Buffer.buffer());
                })
                .compose(health -> {
                    context.verify(() -> assertThat(health.status()).isEqualTo(200));
                    return exchange(HttpMethod.GET, secured, "/metrics", null, Buffer.buffer());
                })
                .onComplete(context.succeeding(metrics -> context.verify(() -> {
                    assertThat(metrics.status()).isEqualTo(200);
                    context.completeNow();
                })));
    }

    private Future<Response> exchange(HttpMethod method, IngestHttpVerticle target, String uri, String authorization,
                                      Buffer body) {
        return client.request(method, target.actualPort(), "127.0.0.1", uri)
                .compose(request -> {
                    if (authorization != null) {
                        request.putHeader("authorization", authorization);
                    }
                    return request.putHeader("content-type", "image/png").send(body);
                })
                .compose(response -> response.body().map(text -> new Response(response.statusCode(),
                        text.toString(StandardCharsets.UTF_8), response.getHeader("retry-after"))));
    }

    private record Uploaded(JsonObject answer, List<ConsumerRecord<String, byte[]>> records) {
    }

    /** What the tests look at in a response. */
    private record Response(int status, String body, String retryAfter) {
    }
}
