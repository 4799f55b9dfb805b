package io.vitsom.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vitsom.stream.http.BearerAuth;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The HTTP routes of the dashboard over a hand-filled {@link DashboardState} (no Kafka). */
@ExtendWith(VertxExtension.class)
class DashboardVerticleTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private Future<DashboardVerticle> deploy(Vertx vertx, DashboardState state) {
        DashboardVerticle dashboard = new DashboardVerticle(state, registry);
        return vertx.deployVerticle(dashboard).map(id -> dashboard);
    }

    private static Future<HttpResponse<Buffer>> get(WebClient client, DashboardVerticle dashboard, String path) {
        return client.get(dashboard.actualPort(), "127.0.0.1", path).send();
    }

    private static BufferedImage png(HttpResponse<Buffer> response) {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
        assertThat(response.getHeader("content-type")).isEqualTo("image/png");
        try {
            return ImageIO.read(new ByteArrayInputStream(response.body().getBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void servesThePageItsScriptTheLinksHealthAndMetrics(Vertx vertx, VertxTestContext ctx) {
        WebClient client = WebClient.create(vertx);
        deploy(vertx, new DashboardState(Samples.config())).compose(dashboard -> get(client, dashboard, "/")
                .compose(page -> {
                    ctx.verify(() -> {
                        assertThat(page.getHeader("content-type")).startsWith("text/html");
                        assertThat(page.bodyAsString()).contains("<h1>vitsom-stream</h1>", "/dashboard.js",
                                "id=\"map-prototypes\"", "id=\"charts\"", "id=\"live\"", "id=\"models\"", "id=\"lag\"",
                                "id=\"events\"", "id=\"plasticity-value\"", "id=\"learning-charts\"");
                    });
                    return get(client, dashboard, "/dashboard.js");
                })
                .compose(script -> {
                    ctx.verify(() -> {
                        assertThat(script.getHeader("content-type")).startsWith("text/javascript");
                        assertThat(script.bodyAsString()).contains("new EventSource('/api/stream')");
                    });
                    return get(client, dashboard, "/api/links");
                })
                .compose(links -> {
                    ctx.verify(() -> assertThat(links.bodyAsJsonArray()).isEqualTo(new JsonArray(
                            "[{\"name\":\"serving\",\"url\":\"http://127.0.0.1:8080/v1/model\"}]")));
                    return get(client, dashboard, "/health");
                })
                .compose(health -> {
                    ctx.verify(() -> {
                        assertThat(health.statusCode()).isEqualTo(200);
                        assertThat(health.bodyAsJsonObject().getString("service")).isEqualTo("dashboard");
                    });
                    return get(client, dashboard, "/metrics");
                }))
                .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
                    assertThat(metrics.statusCode()).isEqualTo(200);
                    ctx.completeNow();
                })));
    }

    @Test
    void stateJsonShowsMapWindowAssignmentsModelsAndHistory(Vertx vertx, VertxTestContext ctx) {
        DashboardState state = Samples.filled();
        WebClient client = WebClient.create(vertx);
        deploy(vertx, state).compose(dashboard -> get(client, dashboard, "/api/state"))
                .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
                    JsonObject json = response.bodyAsJsonObject();
                    assertThat(json.getJsonObject("grid")).isEqualTo(
                            new JsonObject().put("rows", 2).put("cols", 3).put("topology", "square"));
                    JsonObject images = json.getJsonObject("images");
                    assertThat(images.getLong("prototypes")).isEqualTo(state.prototypesRevision());
                    assertThat(images.getLong("umatrix")).isEqualTo(state.prototypesRevision());
                    assertThat(images.getLong("hits")).isEqualTo(state.assignmentsRevision());
                    assertThat(images.getLong("labels")).isEqualTo(state.assignmentsRevision());

                    JsonObject window = json.getJsonObject("window");
                    assertThat(window.getInteger("size")).isEqualTo(100);
                    assertThat(window.getInteger("images")).isEqualTo(6);
                    assertThat(window.getDouble("quantization_error")).isEqualTo(0.25);
                    assertThat(window.getDouble("dead_unit_share")).isZero();
                    assertThat(window.getDouble("purity")).isEqualTo(1.0);

                    JsonArray assignments = json.getJsonArray("assignments");
                    assertThat(assignments).hasSize(6);
                    JsonObject newest = assignments.getJsonObject(0);
                    assertThat(newest.getString("key")).isEqualTo("img-5");
                    assertThat(newest.getString("label")).isEqualTo("1");
                    assertThat(newest.getLong("latency_ms")).isEqualTo(1_110 - 1_005);
                    assertThat(json.getLong("assignments_read")).isEqualTo(6);

                    JsonObject model = json.getJsonArray("models").getJsonObject(0);
                    assertThat(model.getLong("version")).isEqualTo(1);
                    assertThat(model.getLong("images_trained")).isEqualTo(640);
                    assertThat(model.getDouble("drift_mean")).isEqualTo(0.125);
                    assertThat(model.getDouble("drift_max")).isEqualTo(0.5);
                    assertThat(model.getJsonObject("offsets")).isEqualTo(new JsonObject().put("images.valid-0", 320));

                    JsonArray history = json.getJsonArray("history");
                    assertThat(history).hasSize(1);
                    assertThat(history.getJsonObject(0).getLong("time")).isEqualTo(5_000);
                    assertThat(history.getJsonObject(0).getDouble("purity")).isEqualTo(1.0);
                    assertThat(json.getJsonObject("lag").getJsonArray("groups")).isEmpty();
                    ctx.completeNow();
                })));
    }

    @Test
    void mapPicturesArePngsDrawnOncePerChange(Vertx vertx, VertxTestContext ctx) {
        DashboardState state = Samples.filled();
        WebClient client = WebClient.create(vertx);
        deploy(vertx, state).compose(dashboard -> get(client, dashboard, "/map/prototypes.png")
                .compose(prototypes -> {
                    ctx.verify(() -> {
                        // 4x4 tiles at scale 7 (28 px) with 1 px gaps: 1 + 3 * 29 by 1 + 2 * 29.
                        BufferedImage mosaic = png(prototypes);
                        assertThat(mosaic.getWidth()).isEqualTo(88);
                        assertThat(mosaic.getHeight()).isEqualTo(59);
                        // Unit 1's tile starts at x = 30 and is gray level 40.
                        assertThat(mosaic.getRGB(30, 1) & 0xFFFFFF).isEqualTo(0x282828);
                    });
                    return get(client, dashboard, "/map/umatrix.png");
                })
                .compose(umatrix -> {
                    ctx.verify(() -> assertThat(png(umatrix).getWidth()).isGreaterThanOrEqualTo(3 * 24));
                    return get(client, dashboard, "/map/hits.png");
                })
                .compose(hits -> {
                    ctx.verify(() -> assertThat(png(hits).getWidth()).isGreaterThanOrEqualTo(3 * 24));
                    return get(client, dashboard, "/map/labels.png");
                })
                .compose(labels -> {
                    ctx.verify(() -> {
                        assertThat(png(labels).getWidth()).isGreaterThanOrEqualTo(3 * 24);
                        assertThat(dashboard.renderer().drawings()).isEqualTo(4);
                    });
                    return get(client, dashboard, "/map/hits.png");
                })
                .compose(again -> {
                    ctx.verify(() -> assertThat(dashboard.renderer().drawings()).as("same data, cached").isEqualTo(4));
                    state.onAssignment(Samples.assignment("img-6", 2, "0", 2_000, 2_010));
                    return get(client, dashboard, "/map/hits.png");
                })
                .compose(changed -> {
                    ctx.verify(() -> assertThat(dashboard.renderer().drawings()).as("new assignment").isEqualTo(5));
                    return get(client, dashboard, "/map/prototypes.png");
                })
                .compose(prototypes -> {
                    ctx.verify(() -> assertThat(dashboard.renderer().drawings()).as("prototypes unchanged").isEqualTo(5));
                    return get(client, dashboard, "/map/nothing.png");
                }))
                .onComplete(ctx.succeeding(unknown -> ctx.verify(() -> {
                    assertThat(unknown.statusCode()).isEqualTo(404);
                    assertThat(unknown.bodyAsString()).contains("hits.png");
                    ctx.completeNow();
                })));
    }

    @Test
    void beforeTheFirstModelPicturesAreNotFoundAndTheStateIsEmpty(Vertx vertx, VertxTestContext ctx) {
        DashboardState state = new DashboardState(Samples.config());
        state.onAssignment(Samples.assignment("early", 0, null, 1_000, 1_050));
        WebClient client = WebClient.create(vertx);
        deploy(vertx, state).compose(dashboard -> get(client, dashboard, "/map/hits.png")
                .compose(hits -> {
                    ctx.verify(() -> assertThat(hits.statusCode()).isEqualTo(404));
                    return get(client, dashboard, "/api/state");
                }))
                .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
                    JsonObject json = response.bodyAsJsonObject();
                    assertThat(json.getValue("grid")).isNull();
                    assertThat(json.getValue("window")).isNull();
                    assertThat(json.getJsonObject("images").getMap().values()).containsOnlyNulls();
                    // The assignment is listed even though no window exists yet.
                    assertThat(json.getJsonArray("assignments")).hasSize(1);
                    // A learner that publishes neither som.events nor som.learning: empty, not missing.
                    assertThat(json.getJsonArray("events")).isEmpty();
                    assertThat(json.getValue("learning")).isNull();
                    assertThat(json.getJsonArray("learning_history")).isEmpty();
                    ctx.completeNow();
                })));
    }

    @Test
    void eventStreamPushesTheStateAgainAfterItChanged(Vertx vertx, VertxTestContext ctx) {
        DashboardState state = Samples.filled();
        HttpClient client = vertx.createHttpClient();
        AtomicBoolean changed = new AtomicBoolean();
        StringBuilder received = new StringBuilder();
        deploy(vertx, state)
                .compose(dashboard -> client.request(HttpMethod.GET, dashboard.actualPort(), "127.0.0.1", "/api/stream"))
                .compose(request -> request.send())
                .onComplete(ctx.succeeding((HttpClientResponse response) -> {
                    ctx.verify(() -> assertThat(response.getHeader("content-type")).startsWith("text/event-stream"));
                    response.handler(chunk -> {
                        received.append(chunk.toString());
                        int end;
                        while ((end = received.indexOf("\n\n")) >= 0) {
                            String event = received.substring(0, end);
                            received.delete(0, end + 2);
                            if (!event.startsWith("event: state\ndata: ")) {
                                continue; // the retry hint
                            }
                            JsonObject json = new JsonObject(event.substring("event: state\ndata: ".length()));
                            ctx.verify(() -> {
                                assertThat(json.containsKey("history")).isFalse();
                                assertThat(json.getJsonObject("sample").getLong("time")).isEqualTo(5_000);
                            });
                            if (changed.compareAndSet(false, true)) {
                                // The first event is sent on connect; the next pushes must carry the change.
                                state.onAssignment(Samples.assignment("img-new", 4, "1", 3_000, 3_001));
                            } else if (json.getJsonArray("assignments").getJsonObject(0).getString("key")
                                    .equals("img-new")) {
                                ctx.verify(() -> assertThat(json.getLong("assignments_read")).isEqualTo(7));
                                ctx.completeNow();
                            }
                        }
                    });
                }));
    }

    @Test
    void stateHasEveryEventAndTheLearningHistoryWhilePushesCarryTheNewest(Vertx vertx, VertxTestContext ctx) {
        DashboardState state = Samples.filled();
        for (int k = 0; k < 30; k++) {
            state.learner().onEvent(Samples.drift(k));
        }
        state.learner().onLearning(Samples.learning(10_000, 1.0));
        state.learner().onLearning(Samples.learning(20_000, 0.5));
        WebClient client = WebClient.create(vertx);
        HttpClient http = vertx.createHttpClient();
        StringBuilder received = new StringBuilder();
        deploy(vertx, state).compose(dashboard -> get(client, dashboard, "/api/state")
                .compose(full -> {
                    ctx.verify(() -> {
                        JsonObject json = full.bodyAsJsonObject();
                        JsonArray events = json.getJsonArray("events");
                        assertThat(events).hasSize(30);
                        assertThat(events.getJsonObject(0).getString("id")).isEqualTo("0-29");
                        assertThat(events.getJsonObject(0).getLong("time"))
                                .isEqualTo(java.time.Instant.parse("2025-01-01T00:00:29Z").toEpochMilli());
                        assertThat(events.getJsonObject(0).getString("message")).isEqualTo("drift 29");
                        assertThat(json.getJsonArray("learning_history")).hasSize(2);
                        assertThat(json.getJsonArray("learning_history").getJsonObject(0).getDouble("plasticity"))
                                .isEqualTo(1.0);
                        assertThat(json.getJsonObject("learning").getLong("time")).isEqualTo(20_000);
                        assertThat(json.getJsonObject("learning").getValue("shadow")).isNull();
                    });
                    return http.request(HttpMethod.GET, dashboard.actualPort(), "127.0.0.1", "/api/stream");
                }))
                .compose(request -> request.send())
                .onComplete(ctx.succeeding((HttpClientResponse response) -> response.handler(chunk -> {
                    received.append(chunk.toString());
                    int end = received.indexOf("\n\n", received.indexOf("event: state"));
                    if (received.indexOf("event: state") < 0 || end < 0) {
                        return;
                    }
                    String event = received.substring(received.indexOf("event: state"), end);
                    JsonObject json = new JsonObject(event.substring("event: state\ndata: ".length()));
                    ctx.verify(() -> {
                        assertThat(json.containsKey("learning_history")).isFalse();
                        assertThat(json.getJsonArray("events")).hasSize(StateJson.PUSHED_EVENTS);
                        assertThat(json.getJsonArray("events").getJsonObject(0).getString("id")).isEqualTo("0-29");
                        assertThat(json.getJsonObject("learning").getDouble("plasticity")).isEqualTo(0.5);
                    });
                    ctx.completeNow();
                })));
    }

    @Test
    void healthIsDownOnceTheFeedFailed(Vertx vertx, VertxTestContext ctx) {
        DashboardState state = new DashboardState(Samples.config());
        state.onFeedFailure("org.apache.kafka.common.KafkaException: boom");
        WebClient client = WebClient.create(vertx);
        deploy(vertx, state).compose(dashboard -> get(client, dashboard, "/health"))
                .onComplete(ctx.succeeding(health -> ctx.verify(() -> {
                    assertThat(health.statusCode()).isEqualTo(503);
                    assertThat(health.bodyAsJsonObject().getString("error")).contains("boom");
                    ctx.completeNow();
                })));
    }

    @Test
    void withATokenPagesPicturesAndStateNeedItAsBasicOrBearerWhileHealthAndMetricsStayOpen(Vertx vertx,
                                                                                           VertxTestContext ctx) {
        String token = "dashboard-token";
        DashboardState state = Samples.filled(Samples.config().withAuth(BearerAuth.ofToken(token)));
        WebClient client = WebClient.create(vertx);
        deploy(vertx, state).compose(dashboard -> get(client, dashboard, "/")
                .compose(anonymous -> {
                    ctx.verify(() -> {
                        assertThat(anonymous.statusCode()).isEqualTo(401);
                        // Basic, so that a browser asks for the token and then sends it for <img> and EventSource.
                        assertThat(anonymous.getHeader("www-authenticate")).startsWith("Basic realm=\"vitsom\"");
                        assertThat(anonymous.bodyAsJsonObject().getString("reason")).isEqualTo("unauthorized");
                    });
                    return client.get(dashboard.actualPort(), "127.0.0.1", "/").basicAuthentication("me", "guess")
                            .send();
                })
                .compose(wrong -> {
                    ctx.verify(() -> assertThat(wrong.statusCode()).isEqualTo(401));
                    return client.get(dashboard.actualPort(), "127.0.0.1", "/").basicAuthentication("me", token)
                            .send();
                })
                .compose(page -> {
                    ctx.verify(() -> {
                        assertThat(page.statusCode()).isEqualTo(200);
                        assertThat(page.bodyAsString()).contains("<h1>vitsom-stream</h1>");
                    });
                    return client.get(dashboard.actualPort(), "127.0.0.1", "/map/hits.png")
                            .basicAuthentication("anyone", token).send();
                })
                .compose(picture -> {
                    ctx.verify(() -> png(picture));
                    return client.get(dashboard.actualPort(), "127.0.0.1", "/api/state")
                            .bearerTokenAuthentication(token).send();
                })
                .compose(stateJson -> {
                    ctx.verify(() -> assertThat(stateJson.statusCode()).isEqualTo(200));
                    return get(client, dashboard, "/health");
                })
                .compose(health -> {
                    ctx.verify(() -> assertThat(health.statusCode()).isEqualTo(200));
                    return get(client, dashboard, "/metrics");
                }))
                .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
                    assertThat(metrics.statusCode()).isEqualTo(200);
                    ctx.completeNow();
                })));
    }

    @Test
    void failsToDeployWhenThePortIsTaken(Vertx vertx, VertxTestContext ctx) throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            DashboardState state = new DashboardState(Samples.config().withAddress("127.0.0.1", taken.getLocalPort()));
            vertx.deployVerticle(new DashboardVerticle(state, registry))
                    .onComplete(ctx.failing(e -> ctx.verify(() -> {
                        assertThat(e).hasMessageContaining("dashboard cannot listen on 127.0.0.1:" + taken.getLocalPort());
                        ctx.completeNow();
                    })));
            assertThat(ctx.awaitCompletion(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
