package io.vitsom.stream.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VerticleBase;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An HTTP server with only {@code GET /health} and {@code GET /metrics}, for services whose work is not HTTP (the
 * learner, validation). Deployment fails when the port cannot be bound.
 */
public final class StatusVerticle extends VerticleBase {
    private final String host;
    private final int port;
    private final PrometheusMeterRegistry registry;
    private final Supplier<JsonObject> health;
    private HttpServer server;

    /**
     * @param host interface to bind
     * @param port port to bind; 0 picks a free one ({@link #actualPort()})
     */
    public StatusVerticle(String host, int port, PrometheusMeterRegistry registry, Supplier<JsonObject> health) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.registry = Objects.requireNonNull(registry, "registry");
        this.health = Objects.requireNonNull(health, "health");
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        ServiceRoutes.add(router, registry, health);
        return vertx.createHttpServer(HttpServers.options()).requestHandler(router).listen(port, host)
                .onSuccess(s -> server = s)
                .recover(e -> Future.failedFuture(new IllegalStateException(
                        "cannot listen on " + host + ":" + port + ": " + e.getMessage(), e)));
    }

    /** The bound port (after a successful start). */
    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }
}
