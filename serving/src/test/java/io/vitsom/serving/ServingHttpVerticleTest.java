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
import io.vitsom.stream.ValidationTopology;
import io.vitsom.stream.testing.Fixtures;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
}
