package io.vitsom.stream.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VerticleBase;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An HTTP server with {@code GET /health} and {@code GET /metrics} (and what a service adds, such as the learner's
 * checkpoint files), for services whose work is not HTTP (the learner, validation). Both stay open with auth on ({@link BearerAuth#OPEN_PATHS}); auth then only answers 401 on
 * every other path. Deployment fails when the port cannot be bound.
 */
public final class StatusVerticle extends VerticleBase {
    private final String host;
    private final int port;
    private final PrometheusMeterRegistry registry;
    private final Supplier<JsonObject> health;
    private final BearerAuth auth;
    private final Consumer<Router> routes;
    private HttpServer server;

    /**
     * @param host interface to bind
     * @param port port to bind; 0 picks a free one ({@link #actualPort()})
     */
    public StatusVerticle(String host, int port, PrometheusMeterRegistry registry, Supplier<JsonObject> health) {
        this(host, port, registry, health, BearerAuth.none());
    }

    /**
     * @param host interface to bind
     * @param port port to bind; 0 picks a free one ({@link #actualPort()})
     * @param auth the token other paths than {@code /health} and {@code /metrics} need
     */
    public StatusVerticle(String host, int port, PrometheusMeterRegistry registry, Supplier<JsonObject> health,
                          BearerAuth auth) {
        this(host, port, registry, health, auth, router -> { });
    }

    /**
     * @param host interface to bind
     * @param port port to bind; 0 picks a free one ({@link #actualPort()})
     * @param auth the token other paths than {@code /health} and {@code /metrics} need
     * @param routes adds the service's own routes (behind {@code auth}), e.g. {@link CheckpointFiles#add}
     */
    public StatusVerticle(String host, int port, PrometheusMeterRegistry registry, Supplier<JsonObject> health,
                          BearerAuth auth, Consumer<Router> routes) {
        this.routes = Objects.requireNonNull(routes, "routes");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.registry = Objects.requireNonNull(registry, "registry");
        this.health = Objects.requireNonNull(health, "health");
        this.auth = Objects.requireNonNull(auth, "auth");
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        HttpServers.guard(router, auth, BearerAuth.Challenge.BEARER, Set.of());
        ServiceRoutes.add(router, registry, health);
        routes.accept(router);
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
