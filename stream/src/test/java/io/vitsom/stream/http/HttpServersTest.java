package io.vitsom.stream.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The guards every server installs: auth with open /health and /metrics, request timeout, JSON failures. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpServersTest {
    private static final String TOKEN = "guard-token";
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    /** A server with a route that never answers, a long-lived one, one that throws, and the service routes. */
    private static Future<WebClient> serve(Vertx vertx, BearerAuth auth) {
        Router router = Router.router(vertx);
        HttpServers.guard(router, auth, BearerAuth.Challenge.BEARER, Set.of("/stream"), TIMEOUT);
        router.get("/hang").handler(ctx -> { });
        // Answers only after twice the request timeout: the exemption, not luck, lets it through.
        router.get("/stream").handler(ctx -> ctx.vertx().setTimer(2 * TIMEOUT.toMillis(),
                id -> ctx.response().end("late but fine")));
        router.get("/boom").handler(ctx -> {
            throw new IllegalStateException("password=hunter2 in /etc/secret");
        });
        router.get("/ok").handler(ctx -> ctx.response().end("ok"));
        ServiceRoutes.add(router, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                () -> new JsonObject().put("status", "UP"));
        return vertx.createHttpServer(HttpServers.options()).requestHandler(router).listen(0, "127.0.0.1")
                .map((HttpServer server) -> WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions()
                        .setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort())));
    }

    @Test
    void aRequestNotAnsweredInTimeIs503TimeoutButALongLivedPathIsExempt(Vertx vertx, VertxTestContext test) {
        serve(vertx, BearerAuth.none()).compose(client -> client.get("/hang").send()
                        .compose(hung -> {
                            test.verify(() -> {
                                assertThat(hung.statusCode()).isEqualTo(503);
                                assertThat(hung.getHeader("content-type")).isEqualTo("application/json");
                                assertThat(hung.bodyAsJsonObject().getString("reason")).isEqualTo(HttpServers.TIMEOUT);
                            });
                            return client.get("/stream").send();
                        }))
                .onComplete(test.succeeding(stream -> test.verify(() -> {
                    assertThat(stream.statusCode()).isEqualTo(200);
                    assertThat(stream.bodyAsString()).isEqualTo("late but fine");
                    test.completeNow();
                })));
    }

    @Test
    void anExceptionIs500WithAnErrorIdAndNeverItsText(Vertx vertx, VertxTestContext test) {
        serve(vertx, BearerAuth.none()).compose(client -> client.get("/boom").send())
                .onComplete(test.succeeding(response -> test.verify(() -> {
                    assertThat(response.statusCode()).isEqualTo(500);
                    JsonObject body = response.bodyAsJsonObject();
                    assertThat(body.getString("reason")).isEqualTo(HttpErrors.INTERNAL);
                    assertThat(body.getString("error_id")).matches("[0-9a-f]{12}");
                    assertThat(response.bodyAsString()).doesNotContain("hunter2", "/etc/secret", "IllegalState");
                    test.completeNow();
                })));
    }

    @Test
    void withATokenEveryPathButHealthAndMetricsAnswers401UntilTheRightTokenComes(Vertx vertx,
                                                                                 VertxTestContext test) {
        serve(vertx, BearerAuth.ofToken(TOKEN)).compose(client -> client.get("/ok").send()
                        .compose(anonymous -> {
                            expect401(test, anonymous);
                            return client.get("/nowhere").send();
                        })
                        .compose(unknownPath -> {
                            expect401(test, unknownPath);
                            return client.get("/ok").bearerTokenAuthentication("guard-tokeN").send();
                        })
                        .compose(wrong -> {
                            expect401(test, wrong);
                            return client.get("/ok").bearerTokenAuthentication(TOKEN).send();
                        })
                        .compose(right -> {
                            test.verify(() -> assertThat(right.bodyAsString()).isEqualTo("ok"));
                            return client.get("/health").send();
                        })
                        .compose(health -> {
                            test.verify(() -> assertThat(health.statusCode()).isEqualTo(200));
                            return client.get("/metrics").send();
                        }))
                .onComplete(test.succeeding(metrics -> test.verify(() -> {
                    assertThat(metrics.statusCode()).isEqualTo(200);
                    test.completeNow();
                })));
    }

    private static void expect401(VertxTestContext test, HttpResponse<Buffer> response) {
        test.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.getHeader("www-authenticate")).isEqualTo("Bearer realm=\"vitsom\"");
            JsonObject body = response.bodyAsJsonObject();
            assertThat(body.getString("reason")).isEqualTo(BearerAuth.UNAUTHORIZED);
            assertThat(body.getString("error")).isNotBlank();
        });
    }

    @Test
    void serversCloseIdleConnectionsAndSpeakHttp11Only() {
        assertThat(HttpServers.options().getIdleTimeout()).isEqualTo(60);
        assertThat(HttpServers.options().getIdleTimeoutUnit()).isEqualTo(TimeUnit.SECONDS);
        assertThat(HttpServers.options().isHttp2ClearTextEnabled()).isFalse();
        assertThat(HttpServers.DEFAULT_HOST).isEqualTo("127.0.0.1");
    }
}
