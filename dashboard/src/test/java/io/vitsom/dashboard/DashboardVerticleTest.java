package io.vitsom.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class DashboardVerticleTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void servesThePageTheLinksHealthAndMetrics(Vertx vertx, VertxTestContext ctx) {
        DashboardVerticle dashboard = new DashboardVerticle("127.0.0.1", 0, registry,
                List.of(new DashboardVerticle.Link("serving", "http://127.0.0.1:8080/v1/model")));
        WebClient client = WebClient.create(vertx);
        vertx.deployVerticle(dashboard)
                .compose(id -> client.get(dashboard.actualPort(), "127.0.0.1", "/").send())
                .compose(page -> {
                    ctx.verify(() -> assertThat(page.bodyAsString()).contains("<h1>vitsom-stream</h1>"));
                    return client.get(dashboard.actualPort(), "127.0.0.1", "/api/links").send();
                })
                .compose(links -> {
                    ctx.verify(() -> assertThat(links.bodyAsJsonArray()).isEqualTo(new JsonArray(
                            "[{\"name\":\"serving\",\"url\":\"http://127.0.0.1:8080/v1/model\"}]")));
                    return client.get(dashboard.actualPort(), "127.0.0.1", "/health").send();
                })
                .compose(health -> {
                    ctx.verify(() -> assertThat(health.statusCode()).isEqualTo(200));
                    return client.get(dashboard.actualPort(), "127.0.0.1", "/metrics").send();
                })
                .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
                    assertThat(metrics.statusCode()).isEqualTo(200);
                    ctx.completeNow();
                })));
    }

    @Test
    void failsToDeployWhenThePortIsTaken(Vertx vertx, VertxTestContext ctx) throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            vertx.deployVerticle(new DashboardVerticle("127.0.0.1", taken.getLocalPort(), registry, List.of()))
                    .onComplete(ctx.failing(e -> ctx.verify(() -> {
                        assertThat(e).hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
                        ctx.completeNow();
                    })));
            assertThat(ctx.awaitCompletion(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }
}
