package io.vitsom.stream.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /health} and {@code /metrics} of the status server, asked the way the JDK's HTTP client asks. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusVerticleTest {
    /** Enough fresh connections that a flaky upgrade path (one in ten failed before) would show. */
    private static final int CONNECTIONS = 40;

    private final AtomicReference<String> status = new AtomicReference<>("UP");
    private PrometheusMeterRegistry registry;
    private StatusVerticle verticle;

    @BeforeEach
    void deploy(Vertx vertx, VertxTestContext context) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // About 20 KB of exposition, the size at which h2c upgrades stalled.
        for (int i = 0; i < 450; i++) {
            Counter.builder("vitsom_test_padding_total").tag("series", "s" + i).register(registry).increment(i);
        }
        verticle = new StatusVerticle("127.0.0.1", 0, registry,
                () -> new JsonObject().put("status", status.get()));
        vertx.deployVerticle(verticle).onComplete(context.succeedingThenComplete());
    }

    @Test
    void everyFreshJdkClientGetsTheWholeExpositionOverHttp11(VertxTestContext context) {
        String expected = registry.scrape();
        assertThat(expected.length()).isGreaterThan(15_000);
        URI metrics = URI.create("http://127.0.0.1:" + verticle.actualPort() + "/metrics");
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = 0; i < CONNECTIONS; i++) {
            // A new client is a new connection, and the JDK client (HTTP/2 by default) asks each for an h2c upgrade.
            chain = chain.thenCompose(ignored -> get(HttpClient.newHttpClient(), metrics)).thenAccept(response ->
                    context.verify(() -> {
                        assertThat(response.version()).as("protocol the server answered with")
                                .isEqualTo(HttpClient.Version.HTTP_1_1);
                        assertThat(response.statusCode()).isEqualTo(200);
                        assertThat(response.headers().firstValue("content-type"))
                                .hasValue(ServiceRoutes.PROMETHEUS_CONTENT_TYPE);
                        assertThat(response.body()).isEqualTo(expected);
                    }));
        }
        chain.whenComplete((ok, failure) -> {
            if (failure != null) {
                context.failNow(failure);
            } else {
                context.completeNow();
            }
        });
    }

    @Test
    void healthAnswers503WhileTheServiceIsNotUp(VertxTestContext context) {
        URI health = URI.create("http://127.0.0.1:" + verticle.actualPort() + "/health");
        HttpClient client = HttpClient.newHttpClient();
        get(client, health).thenCompose(up -> {
            context.verify(() -> assertThat(up.statusCode()).isEqualTo(200));
            status.set("STARTING");
            return get(client, health);
        }).whenComplete((starting, failure) -> {
            if (failure != null) {
                context.failNow(failure);
                return;
            }
            context.verify(() -> {
                assertThat(starting.statusCode()).isEqualTo(503);
                assertThat(new JsonObject(starting.body()).getString("status")).isEqualTo("STARTING");
            });
            context.completeNow();
        });
    }

    @Test
    void withATokenHealthAndMetricsStayOpenAndEveryOtherPathIs401(Vertx vertx, VertxTestContext context) {
        StatusVerticle secured = new StatusVerticle("127.0.0.1", 0, registry,
                () -> new JsonObject().put("status", "UP"), BearerAuth.ofToken("status-token"));
        HttpClient client = HttpClient.newHttpClient();
        vertx.deployVerticle(secured).onComplete(context.succeeding(id -> {
            String base = "http://127.0.0.1:" + secured.actualPort();
            get(client, URI.create(base + "/health"))
                    .thenCompose(health -> {
                        context.verify(() -> assertThat(health.statusCode()).isEqualTo(200));
                        return get(client, URI.create(base + "/metrics"));
                    })
                    .thenCompose(metrics -> {
                        context.verify(() -> assertThat(metrics.statusCode()).isEqualTo(200));
                        return get(client, URI.create(base + "/anything-else"));
                    })
                    .whenComplete((other, failure) -> {
                        if (failure != null) {
                            context.failNow(failure);
                            return;
                        }
                        context.verify(() -> {
                            assertThat(other.statusCode()).isEqualTo(401);
                            assertThat(other.headers().firstValue("www-authenticate"))
                                    .hasValue("Bearer realm=\"vitsom\"");
                        });
                        context.completeNow();
                    });
        }));
    }

    /** One exchange with a deadline on the whole of it: the JDK's request timeout stops at the headers. */
    private static CompletableFuture<HttpResponse<String>> get(HttpClient client, URI uri) {
        return client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).orTimeout(15, TimeUnit.SECONDS);
    }
}
