package io.vitsom.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vitsom.model.data.ImageDecodeException;
import io.vitsom.stream.Messages;
import io.vitsom.stream.ValidationTopology;
import io.vitsom.stream.http.BearerAuth;
import io.vitsom.stream.http.HttpErrors;
import io.vitsom.stream.testing.Fixtures;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class ServingHttpVerticleTest {
    @TempDir
    static Path dir;
    private static Path checkpoint;

    private ModelWatcher models;
    private PrometheusMeterRegistry registry;
    private WebClient client;

    @BeforeAll
    static void writeCheckpoint() throws Exception {
        checkpoint = Fixtures.tinyCheckpoint(dir.resolve("model"), 1, 10);
    }

    @BeforeEach
    void deploy(Vertx vertx, VertxTestContext test) {
        models = ModelWatcher.withoutKafka();
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServingHttpVerticle verticle = new ServingHttpVerticle(ServingHttpConfig.defaults().withAddress("127.0.0.1", 0),
                models, registry);
        vertx.deployVerticle(verticle).onComplete(test.succeeding(id -> {
            client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
                    .setDefaultPort(verticle.actualPort()));
            test.completeNow();
        }));
    }

    @AfterEach
    void closeModels() {
        models.close();
        registry.close();
    }

    private Future<HttpResponse<Buffer>> assign(byte[] body) {
        return client.post("/v1/assign").putHeader("content-type", "image/png").sendBuffer(Buffer.buffer(body));
    }

    private Future<HttpResponse<Buffer>> get(String path) {
        return client.get(path).send();
    }

    @Test
    void beforeTheFirstModelAssignAndModelAnswer503AndHealthSaysWaiting(VertxTestContext test) {
        assign(Fixtures.pngImages(1, 1)[0])
                .compose(response -> {
                    test.verify(() -> {
                        assertThat(response.statusCode()).isEqualTo(503);
                        assertThat(response.bodyAsJsonObject().getString("reason"))
                                .isEqualTo(ServingHttpVerticle.NO_MODEL);
                    });
                    return get("/v1/model");
                })
                .compose(response -> {
                    test.verify(() -> assertThat(response.statusCode()).isEqualTo(503));
                    return get("/health");
                })
                .onComplete(test.succeeding(response -> test.verify(() -> {
                    assertThat(response.statusCode()).isEqualTo(503);
                    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("WAITING_FOR_MODEL");
                    test.completeNow();
                })));
    }

    @Test
    void assignsAPngWithTheModelInServiceAndReportsTheModelHealthAndMetrics(VertxTestContext test)
            throws Exception {
        assertThat(models.offer(AssignmentTopologyTest.version(3, checkpoint))).isTrue();
        byte[] png = Fixtures.pngImages(1, 21)[0];
        int expected = AssignmentTopologyTest.expectedUnits(checkpoint, new byte[][] {png})[0];
        assign(png)
                .compose(response -> {
                    test.verify(() -> {
                        assertThat(response.statusCode()).isEqualTo(200);
                        JsonObject body = response.bodyAsJsonObject();
                        assertThat(body.fieldNames())
                                .containsExactlyInAnyOrder("unit", "row", "col", "distance", "model_version");
                        assertThat(body.getInteger("unit")).isEqualTo(expected);
                        assertThat(body.getInteger("row")).isEqualTo(expected / 4);
                        assertThat(body.getInteger("col")).isEqualTo(expected % 4);
                        assertThat(body.getDouble("distance")).isFinite();
                        assertThat(body.getLong("model_version")).isEqualTo(3);
                    });
                    return get("/v1/model");
                })
                .compose(response -> {
                    test.verify(() -> {
                        assertThat(response.statusCode()).isEqualTo(200);
                        JsonObject body = response.bodyAsJsonObject();
                        assertThat(body.getLong("version")).isEqualTo(3);
                        assertThat(body.getString("checkpoint")).isEqualTo(checkpoint.toAbsolutePath().toString());
                    });
                    return get("/health");
                })
                .compose(response -> {
                    test.verify(() -> {
                        assertThat(response.statusCode()).isEqualTo(200);
                        assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("UP");
                        assertThat(response.bodyAsJsonObject().getLong("model_version")).isEqualTo(3);
                    });
                    return get("/metrics");
                })
                .onComplete(test.succeeding(response -> test.verify(() -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    String text = response.bodyAsString();
                    assertThat(text).contains("vitsom_serving_assign_seconds_bucket{path=\"http\"")
                            .contains("vitsom_serving_assign_seconds_count{path=\"http\"} 1")
                            .contains("vitsom_serving_images_total{path=\"http\"} 1.0")
                            .contains("vitsom_serving_model_version 3.0");
                    test.completeNow();
                })));
    }

    @Test
    void emptyUndecodableAndWrongShapeImagesAre400WithTheValidationReason(VertxTestContext test) {
        assertThat(models.offer(AssignmentTopologyTest.version(1, checkpoint))).isTrue();
        assign("definitely not an image".getBytes(StandardCharsets.UTF_8))
                .compose(response -> {
                    expect400(test, response, ImageDecodeException.NOT_AN_IMAGE);
                    return assign(new byte[0]);
                })
                .compose(response -> {
                    expect400(test, response, ImageDecodeException.EMPTY);
                    return assign(Fixtures.pngImages(1, 2, 1, 28)[0]);
                })
                .compose(response -> {
                    expect400(test, response, ValidationTopology.WRONG_SIZE);
                    return assign(Fixtures.pngImages(1, 2, 3, Fixtures.SIZE)[0]);
                })
                .compose(response -> {
                    expect400(test, response, ValidationTopology.WRONG_CHANNELS);
                    return get("/metrics");
                })
                .onComplete(test.succeeding(response -> test.verify(() -> {
                    assertThat(response.bodyAsString())
                            .contains("vitsom_serving_rejected_total{path=\"http\",reason=\"wrong-size\"} 1.0")
                            .contains("vitsom_serving_images_total{path=\"http\"} 0.0");
                    test.completeNow();
                })));
    }

    private static void expect400(VertxTestContext test, HttpResponse<Buffer> response, String reason) {
        test.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(400);
            JsonObject body = response.bodyAsJsonObject();
            assertThat(body.getString("reason")).isEqualTo(reason);
            assertThat(body.getString("error")).isNotBlank();
        });
    }

    @Test
    void deploymentFailsWhenThePortIsTaken(Vertx vertx, VertxTestContext test) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            ServingHttpVerticle verticle = new ServingHttpVerticle(
                    ServingHttpConfig.defaults().withAddress("127.0.0.1", taken.getLocalPort()), models, registry);
            vertx.deployVerticle(verticle).onComplete(test.failing(e -> test.verify(() -> {
                assertThat(e).hasMessageContaining("in use");
                test.completeNow();
            })));
            assertThat(test.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    // ---- safe network defaults: auth, the bounded queue, body limits, no internals in error bodies ----------------

    private static final String TOKEN = "correct-horse-battery-staple";

    /** Deploys another endpoint on a free port with {@code config} and answers a client for it. */
    private static Future<WebClient> deployWith(Vertx vertx, ServingHttpConfig config, ModelSource source,
                                                PrometheusMeterRegistry registry) {
        ServingHttpVerticle verticle = new ServingHttpVerticle(config.withAddress("127.0.0.1", 0), source, registry);
        return vertx.deployVerticle(verticle).map(id -> WebClient.create(vertx, new WebClientOptions()
                .setDefaultHost("127.0.0.1").setDefaultPort(verticle.actualPort())));
    }

    @Test
    void withATokenEveryRouteButHealthAndMetricsAnswers401UnlessTheBearerTokenIsRight(Vertx vertx,
                                                                                         VertxTestContext test) {
        assertThat(models.offer(AssignmentTopologyTest.version(2, checkpoint))).isTrue();
        byte[] png = Fixtures.pngImages(1, 5)[0];
        deployWith(vertx, ServingHttpConfig.defaults().withAuth(BearerAuth.ofToken(TOKEN)), models, registry)
                .compose(secured -> secured.post("/v1/assign").sendBuffer(Buffer.buffer(png))
                        .compose(response -> {
                            expect401(test, response);
                            return secured.get("/v1/model").putHeader("authorization", "Bearer wrong-token").send();
                        })
                        .compose(response -> {
                            expect401(test, response);
                            return secured.get("/v1/model").putHeader("authorization", "Bearer " + TOKEN).send();
                        })
                        .compose(response -> {
                            test.verify(() -> {
                                assertThat(response.statusCode()).isEqualTo(200);
                                assertThat(response.bodyAsJsonObject().getLong("version")).isEqualTo(2);
                            });
                            return secured.post("/v1/assign").putHeader("authorization", "Bearer " + TOKEN)
                                    .sendBuffer(Buffer.buffer(png));
                        })
                        .compose(response -> {
                            test.verify(() -> assertThat(response.statusCode()).isEqualTo(200));
                            return secured.get("/health").send();
                        })
                        .compose(response -> {
                            test.verify(() -> assertThat(response.statusCode()).isEqualTo(200));
                            return secured.get("/metrics").send();
                        }))
                .onComplete(test.succeeding(response -> test.verify(() -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.bodyAsString()).contains("vitsom_serving_images_total{path=\"http\"} 1.0");
                    test.completeNow();
                })));
    }

    private static void expect401(VertxTestContext test, HttpResponse<Buffer> response) {
        test.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.getHeader("www-authenticate")).isEqualTo("Bearer realm=\"vitsom\"");
            assertThat(response.bodyAsJsonObject().getString("reason")).isEqualTo(BearerAuth.UNAUTHORIZED);
            assertThat(response.bodyAsString()).doesNotContain(TOKEN);
        });
    }

    @Test
    void whenMaxPendingRequestsAreAdmittedTheNextIs503OverloadedWithRetryAfterAndCounted(Vertx vertx,
                                                                                        VertxTestContext test)
            throws Exception {
        // Two inference threads, two places: both requests reach the model, which holds them until released.
        BlockingModels blocking = new BlockingModels(2);
        WebClient secured = deployWith(vertx, ServingHttpConfig.defaults().withCapacity(2, 2), blocking, registry)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        byte[] png = Fixtures.pngImages(1, 3)[0];
        Future<HttpResponse<Buffer>> first = secured.post("/v1/assign").sendBuffer(Buffer.buffer(png));
        Future<HttpResponse<Buffer>> second = secured.post("/v1/assign").sendBuffer(Buffer.buffer(png));
        assertThat(blocking.entered.await(10, TimeUnit.SECONDS)).as("both requests are in inference").isTrue();
        secured.post("/v1/assign").sendBuffer(Buffer.buffer(png))
                .compose(overloaded -> {
                    test.verify(() -> {
                        assertThat(overloaded.statusCode()).isEqualTo(503);
                        assertThat(overloaded.getHeader("retry-after")).isEqualTo("1");
                        assertThat(overloaded.bodyAsJsonObject().getString("reason"))
                                .isEqualTo(ServingHttpVerticle.OVERLOADED);
                        assertThat(blocking.calls.get()).as("refused before inference").isEqualTo(2);
                    });
                    blocking.release.countDown();
                    return Future.all(first, second);
                })
                .compose(admitted -> {
                    test.verify(() -> {
                        assertThat(first.result().bodyAsJsonObject().getString("reason"))
                                .isEqualTo(ServingHttpVerticle.NO_MODEL);
                        assertThat(second.result().bodyAsJsonObject().getString("reason"))
                                .isEqualTo(ServingHttpVerticle.NO_MODEL);
                    });
                    // Their places are free again.
                    return secured.post("/v1/assign").sendBuffer(Buffer.buffer(png));
                })
                .compose(afterwards -> {
                    test.verify(() -> assertThat(afterwards.bodyAsJsonObject().getString("reason"))
                            .isEqualTo(ServingHttpVerticle.NO_MODEL));
                    return secured.get("/metrics").send();
                })
                .onComplete(test.succeeding(metrics -> test.verify(() -> {
                    assertThat(metrics.bodyAsString())
                            .contains("vitsom_serving_rejected_total{path=\"http\",reason=\"overloaded\"} 1.0");
                    test.completeNow();
                })));
    }

    @Test
    void aBodyAboveTheLimitIs413TooLargeImageAsJson(Vertx vertx, VertxTestContext test) {
        deployWith(vertx, ServingHttpConfig.defaults().withMaxBodyBytes(1_000), models, registry)
                .compose(small -> small.post("/v1/assign").sendBuffer(Buffer.buffer(new byte[5_000])))
                .onComplete(test.succeeding(response -> test.verify(() -> {
                    assertThat(response.statusCode()).isEqualTo(413);
                    assertThat(response.getHeader("content-type")).isEqualTo("application/json");
                    assertThat(response.bodyAsJsonObject().getString("reason"))
                            .isEqualTo(ImageDecodeException.TOO_LARGE);
                    assertThat(response.bodyAsJsonObject().getString("error")).contains("1000 bytes");
                    test.completeNow();
                })));
    }

    @Test
    void anImageAboveTheConfiguredPixelLimitIs413TooLargeImage(Vertx vertx, VertxTestContext test) {
        models.offer(AssignmentTopologyTest.version(1, checkpoint));
        int pixels = io.vitsom.stream.testing.Fixtures.SIZE * io.vitsom.stream.testing.Fixtures.SIZE;
        deployWith(vertx, ServingHttpConfig.defaults().withLimits(
                        io.vitsom.model.data.ImageLimits.DEFAULT.withMaxPixels(pixels - 1)), models, registry)
                .compose(limited -> limited.post("/v1/assign")
                        .sendBuffer(Buffer.buffer(io.vitsom.stream.testing.Fixtures.pngImages(1, 3)[0])))
                .onComplete(test.succeeding(response -> test.verify(() -> {
                    assertThat(response.statusCode()).isEqualTo(413);
                    assertThat(response.bodyAsJsonObject().getString("reason"))
                            .isEqualTo(ImageDecodeException.TOO_LARGE);
                    test.completeNow();
                })));
    }

    @Test
    void aFailureOfTheServerIs500WithAnErrorIdAndNeverTheExceptionText(Vertx vertx, VertxTestContext test) {
        String secret = "disk /var/lib/vitsom/checkpoints/v000007 vanished";
        ModelSource failing = new ModelSource() {
            @Override
            public Optional<ServingModel.Lease> acquire() {
                throw new IllegalStateException(secret);
            }

            @Override
            public Optional<Messages.ModelVersion> current() {
                return Optional.empty();
            }
        };
        deployWith(vertx, ServingHttpConfig.defaults(), failing, registry)
                .compose(client -> client.post("/v1/assign").sendBuffer(Buffer.buffer(Fixtures.pngImages(1, 1)[0])))
                .onComplete(test.succeeding(response -> test.verify(() -> {
                    assertThat(response.statusCode()).isEqualTo(500);
                    JsonObject body = response.bodyAsJsonObject();
                    assertThat(body.getString("reason")).isEqualTo(HttpErrors.INTERNAL);
                    assertThat(body.getString("error_id")).matches("[0-9a-f]{12}");
                    assertThat(body.getString("error")).contains(body.getString("error_id"));
                    assertThat(response.bodyAsString()).doesNotContain("vanished", "IllegalStateException",
                            "/var/lib");
                    test.completeNow();
                })));
    }

    /** No model ever; {@code acquire} holds each caller until {@link #release} opens. */
    private static final class BlockingModels implements ModelSource {
        final CountDownLatch entered;
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();

        BlockingModels(int callers) {
            entered = new CountDownLatch(callers);
        }

        @Override
        public Optional<ServingModel.Lease> acquire() {
            calls.incrementAndGet();
            entered.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the model");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }

        @Override
        public Optional<Messages.ModelVersion> current() {
            return Optional.empty();
        }
    }
}
