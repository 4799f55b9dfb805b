package io.vitsom.dashboard;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vitsom.stream.http.ServiceRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The dashboard's HTTP server. For now one page that says where every part of the pipeline listens; the live map
 * comes with the topology-drift monitoring work. Deployment fails when the port cannot be bound.
 */
public final class DashboardVerticle extends VerticleBase {
    /** Default port. */
    public static final int DEFAULT_PORT = 8088;

    private final String host;
    private final int port;
    private final PrometheusMeterRegistry registry;
    private final List<Link> links;
    private HttpServer server;

    /**
     * A part of the pipeline the page links to.
     *
     * @param name what it is
     * @param url where it listens
     */
    public record Link(String name, String url) {
        public Link {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(url, "url");
        }
    }

    public DashboardVerticle(String host, int port, PrometheusMeterRegistry registry, List<Link> links) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.registry = Objects.requireNonNull(registry, "registry");
        this.links = List.copyOf(links);
    }

    @Override
    public Future<?> start() {
        String page = resource("dashboard/index.html");
        Router router = Router.router(vertx);
        router.get("/").handler(ctx -> ctx.response().putHeader("content-type", "text/html; charset=utf-8").end(page));
        router.get("/api/links").handler(ctx -> {
            JsonArray out = new JsonArray();
            links.forEach(l -> out.add(new JsonObject().put("name", l.name()).put("url", l.url())));
            ctx.response().putHeader("content-type", "application/json").end(out.encode());
        });
        ServiceRoutes.add(router, registry, () -> new JsonObject().put("service", "dashboard").put("status", "UP"));
        return vertx.createHttpServer().requestHandler(router).listen(port, host)
                .onSuccess(s -> server = s)
                .recover(e -> Future.failedFuture(new IllegalStateException(
                        "dashboard cannot listen on " + host + ":" + port + ": " + e.getMessage(), e)));
    }

    /** The bound port (after a successful start). */
    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }

    private static String resource(String name) {
        try (InputStream in = DashboardVerticle.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the dashboard jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
