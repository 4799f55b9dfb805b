package io.vitsom.serving;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vitsom.model.infer.Assignments;
import io.vitsom.stream.Messages;
import io.vitsom.stream.http.HttpServers;
import io.vitsom.stream.http.ServiceRoutes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving HTTP endpoint.
 *
 * <ul>
 *   <li>{@code POST /v1/assign}, body = PNG or JPEG bytes: 200 {@code {"unit", "row", "col", "distance",
 *       "model_version"}}; 400 {@code {"error", "reason"}} for an empty body, bytes that are not an image, or an image
 *       of another shape than the model reads (the validation topology's rule and reason codes); 503 while no model
 *       is in service</li>
 *   <li>{@code GET /v1/model}: the {@link Messages.ModelVersion} in service as JSON; 503 while there is none</li>
 *   <li>{@code GET /health}: {@code "UP"} (200) with the model version once a model is in service,
 *       {@code "WAITING_FOR_MODEL"} (503) before; {@code GET /metrics}: Prometheus text</li>
 * </ul>
 *
 * <p>Inference runs on a worker pool of {@link ServingHttpConfig#workerThreads()} threads, never on the event loop.
 * Deployment fails when the port cannot be bound.
 */
public final class ServingHttpVerticle extends AbstractVerticle {
    /** Reason code of a 503: no model has been published yet. */
    public static final String NO_MODEL = "no-model";

    private static final Logger LOG = LoggerFactory.getLogger(ServingHttpVerticle.class);
    private static final String JSON = "application/json";

    private final ServingHttpConfig config;
    private final ModelSource models;
    private final PrometheusMeterRegistry registry;
    private final ServingMetrics metrics;
    private WorkerExecutor inference;
    private HttpServer server;

    /**
     * An endpoint serving {@code models}.
     *
     * @param registry the registry {@code /metrics} shows, and where the serving meters are registered
     */
    public ServingHttpVerticle(ServingHttpConfig config, ModelSource models, PrometheusMeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.models = Objects.requireNonNull(models, "models");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.metrics = new ServingMetrics(registry, models);
    }

    @Override
    public void start(Promise<Void> startPromise) {
        inference = vertx.createSharedWorkerExecutor("vitsom-serving-inference", config.workerThreads());
        Router router = Router.router(vertx);
        router.post("/v1/assign")
                .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                .handler(this::assign);
        router.get("/v1/model").handler(this::model);
        ServiceRoutes.add(router, registry, this::health);
        vertx.createHttpServer(HttpServers.options())
                .requestHandler(router)
                .listen(config.port(), config.host())
                .onSuccess(listening -> {
                    server = listening;
                    LOG.info("serving HTTP on {}:{}", config.host(), listening.actualPort());
                })
                .<Void>mapEmpty()
                .onComplete(startPromise);
    }

    @Override
    public void stop(Promise<Void> stopPromise) {
        // The server is closed by Vert.x with the verticle; the worker pool is ours.
        inference.close().onComplete(stopPromise);
    }

    /** The port the server listens on (the chosen one when configured with port 0); -1 before it started. */
    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }

    private void assign(RoutingContext ctx) {
        long started = System.nanoTime();
        Buffer body = ctx.body().buffer();
        byte[] image = body == null ? new byte[0] : body.getBytes();
        inference.<Answer>executeBlocking(() -> answer(image), false)
                .onSuccess(answer -> {
                    if (answer instanceof Assigned assigned) {
                        metrics.assigned(ServingMetrics.AssignPath.HTTP, Duration.ofNanos(System.nanoTime() - started));
                        Messages.Bmu bmu = assigned.bmu();
                        respond(ctx, 200, new JsonObject()
                                .put("unit", bmu.unit())
                                .put("row", bmu.row())
                                .put("col", bmu.col())
                                .put("distance", bmu.distance())
                                .put("model_version", bmu.modelVersion()));
                    } else if (answer instanceof Invalid invalid) {
                        metrics.rejected(ServingMetrics.AssignPath.HTTP, invalid.input().reason());
                        respond(ctx, 400, error(invalid.input().detail(), invalid.input().reason()));
                    } else {
                        respond(ctx, 503, noModel());
                    }
                })
                .onFailure(e -> {
                    LOG.error("assigning an uploaded image failed", e);
                    respond(ctx, 500, error(e.toString(), "internal-error"));
                });
    }

    /** Runs on the inference pool. */
    private Answer answer(byte[] image) {
        Optional<ServingModel.Lease> lease = models.acquire();
        if (lease.isEmpty()) {
            return new NoModel();
        }
        try (ServingModel.Lease held = lease.get()) {
            ServingModel model = held.model();
            ImageInput input = ImageInput.of(image, model.validation());
            if (input instanceof ImageInput.Invalid invalid) {
                return new Invalid(invalid);
            }
            Assignments assignments = model.assign(List.of(((ImageInput.Ready) input).image()));
            return new Assigned(model.bmu(assignments, 0, System.currentTimeMillis(), null));
        }
    }

    private void model(RoutingContext ctx) {
        Optional<Messages.ModelVersion> version = models.current();
        if (version.isEmpty()) {
            respond(ctx, 503, noModel());
        } else {
            ctx.response().setStatusCode(200).putHeader("content-type", JSON)
                    .end(Buffer.buffer(Messages.toJson(version.get())));
        }
    }

    private JsonObject health() {
        return models.current()
                .map(version -> new JsonObject().put("status", "UP").put("model_version", version.version()))
                .orElseGet(() -> new JsonObject().put("status", "WAITING_FOR_MODEL"));
    }

    private static JsonObject noModel() {
        return error("no model has been published on som.models yet", NO_MODEL);
    }

    private static JsonObject error(String message, String reason) {
        return new JsonObject().put("error", message).put("reason", reason);
    }

    private static void respond(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("content-type", JSON).end(body.encode());
    }

    /** What a request gets. */
    private sealed interface Answer permits Assigned, Invalid, NoModel {
    }

    private record Assigned(Messages.Bmu bmu) implements Answer {
    }

    private record Invalid(ImageInput.Invalid input) implements Answer {
    }

    private record NoModel() implements Answer {
    }
}
