package io.vitsom.stream.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The two routes every HTTP server of the project carries: {@code GET /health} (200 with a JSON status while the
 * service is up, 503 while it is not ready) and {@code GET /metrics} (Prometheus text exposition of the
 * service's registry).
 */
public final class ServiceRoutes {
    /** Prometheus' text format content type. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private ServiceRoutes() {
    }

    /**
     * Adds {@code /health} and {@code /metrics} to {@code router}.
     *
     * @param health the service's current status; {@code "status": "UP"} answers 200, anything else 503
     */
    public static void add(Router router, PrometheusMeterRegistry registry, Supplier<JsonObject> health) {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(health, "health");
        router.get("/health").handler(ctx -> {
            JsonObject status = health.get();
            ctx.response()
                    .setStatusCode("UP".equals(status.getString("status")) ? 200 : 503)
                    .putHeader("content-type", "application/json")
                    .end(status.encode());
        });
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", PROMETHEUS_CONTENT_TYPE)
                .end(registry.scrape()));
    }
}
