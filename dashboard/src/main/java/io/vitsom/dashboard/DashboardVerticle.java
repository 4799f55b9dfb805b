package io.vitsom.dashboard;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vitsom.stream.http.BearerAuth;
import io.vitsom.stream.http.HttpServers;
import io.vitsom.stream.http.ServiceRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The dashboard's HTTP server: one page that updates itself from server-sent events, the map pictures, the state
 * as JSON, {@code /health} and {@code /metrics}. It only reads the {@link DashboardState}; pictures are drawn by a
 * {@link MapRenderer} on worker threads. With {@link DashboardConfig#auth()} on, every route but {@code /health} and
 * {@code /metrics} needs the token; a 401 asks for HTTP Basic, so a browser prompts once (any user name, the token as
 * password) and re-sends it for the pictures and the event stream. Deployment fails when the port cannot be bound.
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><td>{@code GET /}</td><td>the page ({@code /dashboard.js}, {@code /dashboard.css})</td></tr>
 *   <tr><td>{@code GET /api/state}</td><td>the state as JSON with the metric history, every map event kept and the
 *     learning history ({@link StateJson})</td></tr>
 *   <tr><td>{@code GET /api/stream}</td><td>server-sent events: {@code state} (the same JSON without the
 *     histories: the newest sample and learning state, the newest events) at once and every
 *     {@link DashboardConfig#pushEvery()}</td></tr>
 *   <tr><td>{@code GET /map/{prototypes,umatrix,hits,labels}.png}</td><td>the map pictures; 404 while one
 *     cannot be drawn yet</td></tr>
 *   <tr><td>{@code GET /api/links}</td><td>where the other parts listen</td></tr>
 *   <tr><td>{@code GET /health}, {@code GET /metrics}</td><td>as every service ({@link ServiceRoutes})</td></tr>
 * </table>
 */
public final class DashboardVerticle extends VerticleBase {
    /** Default port ({@link DashboardConfig#DEFAULT_PORT}). */
    public static final int DEFAULT_PORT = DashboardConfig.DEFAULT_PORT;
    private static final String HTML = "text/html; charset=utf-8";
    private static final String JSON = "application/json";
    /** The event stream stays open for as long as the page: no request timeout. */
    private static final String STREAM_PATH = "/api/stream";

    private final DashboardState state;
    private final PrometheusMeterRegistry registry;
    private final MapRenderer renderer;
    /** Open event streams; touched on this verticle's event loop only. */
    private final Set<HttpServerResponse> streams = new LinkedHashSet<>();
    private HttpServer server;
    private long pushTimer = -1;

    public DashboardVerticle(DashboardState state, PrometheusMeterRegistry registry) {
        this.state = Objects.requireNonNull(state, "state");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.renderer = new MapRenderer(state);
    }

    @Override
    public Future<?> start() {
        DashboardConfig config = state.config();
        Router router = routes();
        pushTimer = vertx.setPeriodic(config.pushEvery().toMillis(), id -> pushToAll());
        return vertx.createHttpServer(HttpServers.options()).requestHandler(router).listen(config.port(), config.host())
                .onSuccess(s -> server = s)
                .recover(e -> Future.failedFuture(new IllegalStateException(
                        "dashboard cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(),
                        e)));
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(pushTimer);
        List.copyOf(streams).forEach(HttpServerResponse::end);
        streams.clear();
        return Future.succeededFuture();
    }

    /** Every route of the dashboard. */
    private Router routes() {
        Router router = Router.router(vertx);
        HttpServers.guard(router, state.config().auth(), BearerAuth.Challenge.BASIC, Set.of(STREAM_PATH));
        router.get("/").handler(resource("dashboard/index.html", HTML));
        router.get("/dashboard.js").handler(resource("dashboard/dashboard.js", "text/javascript; charset=utf-8"));
        router.get("/dashboard.css").handler(resource("dashboard/dashboard.css", "text/css; charset=utf-8"));
        router.get("/api/state").handler(this::sendState);
        router.get(STREAM_PATH).handler(this::openStream);
        router.get("/api/links").handler(this::sendLinks);
        router.get("/map/:file").handler(this::sendMapImage);
        ServiceRoutes.add(router, registry, this::health);
        return router;
    }

    /** The bound port (after a successful start). */
    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }

    /** Draws the map pictures; exposed for tests of the cache. */
    MapRenderer renderer() {
        return renderer;
    }

    private void sendState(RoutingContext ctx) {
        ctx.response().putHeader("content-type", JSON).putHeader("cache-control", "no-store")
                .end(StateJson.full(state, System.currentTimeMillis()).encode());
    }

    private void sendLinks(RoutingContext ctx) {
        JsonArray out = new JsonArray();
        state.config().links().forEach(l -> out.add(new JsonObject().put("name", l.name()).put("url", l.url())));
        ctx.response().putHeader("content-type", JSON).end(out.encode());
    }

    private void openStream(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-store");
        streams.add(response);
        response.closeHandler(v -> streams.remove(response));
        response.exceptionHandler(e -> streams.remove(response));
        response.write("retry: 2000\n\n" + stateEvent());
    }

    private void pushToAll() {
        if (streams.isEmpty()) {
            return;
        }
        String event = stateEvent();
        for (HttpServerResponse response : List.copyOf(streams)) {
            if (response.closed() || response.ended()) {
                streams.remove(response);
            } else if (!response.writeQueueFull()) { // a client that cannot keep up misses pushes, not memory
                response.write(event);
            }
        }
    }

    private String stateEvent() {
        return "event: state\ndata: " + StateJson.live(state, System.currentTimeMillis()).encode() + "\n\n";
    }

    private void sendMapImage(RoutingContext ctx) {
        String file = ctx.pathParam("file");
        Optional<MapImage> image = MapImage.byFileName(file);
        if (image.isEmpty()) {
            ctx.response().setStatusCode(404).putHeader("content-type", "text/plain; charset=utf-8")
                    .end("no map image " + file + "; there are " + Arrays.stream(MapImage.values())
                            .map(MapImage::fileName).toList());
            return;
        }
        vertx.executeBlocking(() -> renderer.png(image.get()), false).onComplete(drawn -> {
            if (drawn.failed()) {
                ctx.fail(drawn.cause());
            } else if (drawn.result().isEmpty()) {
                ctx.response().setStatusCode(404).putHeader("content-type", "text/plain; charset=utf-8")
                        .end(file + " cannot be drawn yet (no model, prototypes, assignments or labels so far)");
            } else {
                ctx.response().putHeader("content-type", "image/png").putHeader("cache-control", "no-store")
                        .end(Buffer.buffer(drawn.result().get()));
            }
        });
    }

    private JsonObject health() {
        JsonObject status = new JsonObject().put("service", "dashboard");
        Optional<String> failure = state.feedFailure();
        failure.ifPresent(f -> status.put("error", f));
        return status.put("status", failure.isEmpty() ? "UP" : "DOWN");
    }

    private static io.vertx.core.Handler<RoutingContext> resource(String name, String contentType) {
        Buffer body = Buffer.buffer(read(name));
        return ctx -> ctx.response().putHeader("content-type", contentType).end(body);
    }

    private static byte[] read(String name) {
        try (InputStream in = DashboardVerticle.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the dashboard jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
