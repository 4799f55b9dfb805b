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
import io.vitsom.model.data.ImageDecodeException;
import io.vitsom.model.infer.Assignments;
import io.vitsom.model.render.ImagePictures;
import io.vitsom.model.som.UnitAddress;
import io.vitsom.stream.Messages;
import io.vitsom.stream.ValidationTopology;
import io.vitsom.stream.http.BearerAuth;
import io.vitsom.stream.http.HttpErrors;
import io.vitsom.stream.http.HttpServers;
import io.vitsom.stream.http.ServiceRoutes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving HTTP endpoint.
 *
 * <ul>
 *   <li>{@code POST /v1/assign}, body = PNG or JPEG bytes: 200 {@code {"unit", "row", "col", "distance",
 *       "model_version"}}; 400 {@code {"error", "reason"}} for an empty body, bytes that are not an image, or an image
 *       of another shape than the model reads (the validation topology's rule and reason codes); 413
 *       {@value ImageDecodeException#TOO_LARGE} for a body above {@link ServingHttpConfig#maxBodyBytes()} or an image
 *       above the pixel limits; 503 {@value #NO_MODEL} while no model is in service; 503 {@value #OVERLOADED} with
 *       {@code Retry-After} when {@link ServingHttpConfig#maxPending()} requests are already admitted</li>
 *   <li>{@code GET /v1/model}: the {@link Messages.ModelVersion} in service as JSON; 503 while there is none</li>
 *   <li>{@code GET /v1/generate?unit=ROW,COL|INDEX&n=N&sigma=S&seed=S}: {@code n} (default 1, at most
 *       {@value GenerateQuery#MAX_COUNT}) new images drawn around the unit's prototype when the model in service is
 *       a {@link io.vitsom.model.map.UnitSampler}; {@code image/png} for one image (with {@code Accept: image/png},
 *       all of them on one contact sheet), else JSON {@code {"model_version", "unit", "row", "col", "sigma",
 *       "seed", "images": [base64 PNG, ...]}}; 400 {@value #BAD_PARAMETER} for a missing or bad parameter or a unit
 *       outside the grid; 409 {@value #CANNOT_GENERATE} when the model in service cannot generate (a state of the
 *       service that a newer model may change, not a missing feature); 503 {@value #NO_MODEL}. It shares
 *       {@code POST /v1/assign}'s admission limit and inference pool</li>
 *   <li>{@code GET /health}: the {@link ServingHealth} the endpoint was given as JSON, 200 when UP, 503 otherwise
 *       ({@code "WAITING_FOR_MODEL"} before the first model; {@code "DOWN"} with a reason when the service behind it
 *       is broken); {@code GET /metrics}: Prometheus text</li>
 * </ul>
 *
 * <p>Inference runs on a worker pool of {@link ServingHttpConfig#workerThreads()} threads, never on the event loop.
 * Every route but {@code /health} and {@code /metrics} needs the token when {@link ServingHttpConfig#auth()} is on;
 * a failure of the server itself is a 500 with an error id, its exception only in the log
 * ({@link HttpServers#guard}). Deployment fails when the port cannot be bound.
 */
public final class ServingHttpVerticle extends AbstractVerticle {
    /** Reason code of a 503: no model has been published yet. */
    public static final String NO_MODEL = "no-model";
    /** Reason code of a 503: {@link ServingHttpConfig#maxPending()} requests are already admitted. */
    public static final String OVERLOADED = "overloaded";
    /** Reason code of a 400 of {@code GET /v1/generate}: a parameter is missing or out of range. */
    public static final String BAD_PARAMETER = "bad-parameter";
    /** Reason code of a 409 of {@code GET /v1/generate}: the model in service cannot generate images. */
    public static final String CANNOT_GENERATE = "cannot-generate";
    /** Seconds an overloaded client is asked to wait: inference of the admitted requests takes milliseconds. */
    static final int RETRY_AFTER_SECONDS = 1;

    private static final Logger LOG = LoggerFactory.getLogger(ServingHttpVerticle.class);
    private static final String JSON = "application/json";

    private final ServingHttpConfig config;
    private final ModelSource models;
    private final PrometheusMeterRegistry registry;
    private final ServingMetrics metrics;
    private final Supplier<ServingHealth> health;
    /**
     * Admitted {@code POST /v1/assign} and {@code GET /v1/generate} requests: body being read, waiting for a worker,
     * or in inference.
     */
    private final AtomicInteger pending = new AtomicInteger();
    private WorkerExecutor inference;
    private HttpServer server;

    /**
     * An endpoint serving {@code models}.
     *
     * @param registry the registry {@code /metrics} shows, and where the serving meters are registered
     */
    public ServingHttpVerticle(ServingHttpConfig config, ModelSource models, PrometheusMeterRegistry registry) {
        this(config, models, registry, () -> ServingHealth.of(models));
    }

    /**
     * An endpoint serving {@code models} whose {@code /health} reports {@code health} (a {@link ServingService}'s,
     * so that a broken Streams application or model watcher shows).
     *
     * @param registry the registry {@code /metrics} shows, and where the serving meters are registered
     */
    public ServingHttpVerticle(ServingHttpConfig config, ModelSource models, PrometheusMeterRegistry registry,
                               Supplier<ServingHealth> health) {
        this.config = Objects.requireNonNull(config, "config");
        this.models = Objects.requireNonNull(models, "models");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.health = Objects.requireNonNull(health, "health");
        this.metrics = new ServingMetrics(registry, models);
    }

    @Override
    public void start(Promise<Void> startPromise) {
        inference = vertx.createSharedWorkerExecutor("vitsom-serving-inference", config.workerThreads());
        Router router = Router.router(vertx);
        HttpServers.guard(router, config.auth(), BearerAuth.Challenge.BEARER, Set.of());
        // Admission first, on a route of its own (Vert.x wants the body handler first on a route): an overloaded
        // server refuses before reading (or decoding) the body.
        router.post("/v1/assign").handler(this::admit);
        router.post("/v1/assign")
                .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                .handler(this::assign);
        router.get("/v1/model").handler(this::model);
        router.get("/v1/generate").handler(this::admit).handler(this::generate);
        // BodyHandler fails the request with 413 when the body exceeds the limit.
        router.errorHandler(413, ctx -> {
            metrics.rejected(ServingMetrics.AssignPath.HTTP, ImageDecodeException.TOO_LARGE);
            HttpErrors.send(ctx, 413, "the body exceeds the limit of " + config.maxBodyBytes() + " bytes",
                    ImageDecodeException.TOO_LARGE);
        });
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

    /**
     * Admits the request while fewer than {@link ServingHttpConfig#maxPending()} are, and answers 503
     * {@value #OVERLOADED} otherwise. The place is freed when both the response is done and, if it got that far,
     * the inference: a client that gives up does not free a worker that is still busy with its image.
     */
    private void admit(RoutingContext ctx) {
        if (pending.incrementAndGet() > config.maxPending()) {
            pending.decrementAndGet();
            metrics.rejected(ServingMetrics.AssignPath.HTTP, OVERLOADED);
            ctx.response().putHeader("retry-after", Integer.toString(RETRY_AFTER_SECONDS));
            HttpErrors.send(ctx, 503, config.maxPending() + " requests are already in inference; retry after "
                    + RETRY_AFTER_SECONDS + " s", OVERLOADED);
            return;
        }
        Admission admission = new Admission(pending);
        ctx.put(Admission.KEY, admission);
        ctx.addEndHandler(done -> admission.release());
        ctx.next();
    }

    private void assign(RoutingContext ctx) {
        if (ctx.response().ended()) {
            return; // timed out while the body was read
        }
        long started = System.nanoTime();
        Buffer body = ctx.body().buffer();
        byte[] image = body == null ? new byte[0] : body.getBytes();
        Admission admission = ctx.get(Admission.KEY);
        admission.retain();
        inference.<Answer>executeBlocking(() -> answer(image), false)
                .onComplete(done -> admission.release())
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
                        rejected(ctx, invalid.input());
                    } else {
                        respond(ctx, 503, noModel());
                    }
                })
                .onFailure(e -> HttpErrors.internal(ctx, e));
    }

    /** 400 with the reason for an image the model cannot read; 413 for one above the limits; 500 for our failure. */
    private void rejected(RoutingContext ctx, ImageInput.Invalid input) {
        metrics.rejected(ServingMetrics.AssignPath.HTTP, input.reason());
        if (ValidationTopology.INTERNAL_ERROR.equals(input.reason())) {
            // The detail is an exception's text: for the log only.
            HttpErrors.internal(ctx, new IllegalStateException("checking an uploaded image failed: " + input.detail()));
        } else {
            int status = ImageDecodeException.TOO_LARGE.equals(input.reason()) ? 413 : 400;
            respond(ctx, status, error(input.detail(), input.reason()));
        }
    }

    /** Runs on the inference pool. */
    private Answer answer(byte[] image) {
        Optional<ServingModel.Lease> lease = models.acquire();
        if (lease.isEmpty()) {
            return new NoModel();
        }
        try (ServingModel.Lease held = lease.get()) {
            ServingModel model = held.model();
            ImageInput input = ImageInput.of(image, model.validation().withLimits(config.limits()));
            if (input instanceof ImageInput.Invalid invalid) {
                return new Invalid(invalid);
            }
            Assignments assignments = model.assign(List.of(((ImageInput.Ready) input).image()));
            return new Assigned(model.bmu(assignments, 0, System.currentTimeMillis(), null));
        }
    }

    private void generate(RoutingContext ctx) {
        GenerateQuery query;
        try {
            query = GenerateQuery.parse(ctx.queryParams());
        } catch (IllegalArgumentException e) {
            respond(ctx, 400, error(e.getMessage(), BAD_PARAMETER));
            return;
        }
        boolean png = query.answerPng(ctx.request().getHeader("accept"));
        Admission admission = ctx.get(Admission.KEY);
        admission.retain();
        inference.<Answer>executeBlocking(() -> generated(query, png), false)
                .onComplete(done -> admission.release())
                .onSuccess(answer -> {
                    if (answer instanceof GeneratedPng image) {
                        if (!ctx.response().ended() && !ctx.response().closed()) {
                            ctx.response().setStatusCode(200).putHeader("content-type", "image/png")
                                    .putHeader("x-vitsom-model-version", Long.toString(image.modelVersion()))
                                    .putHeader("x-vitsom-seed", Long.toString(query.seed()))
                                    .end(Buffer.buffer(image.png()));
                        }
                    } else if (answer instanceof GeneratedJson json) {
                        respond(ctx, 200, json.body());
                    } else if (answer instanceof Refused refused) {
                        respond(ctx, refused.status(), error(refused.message(), refused.reason()));
                    } else {
                        respond(ctx, 503, noModel());
                    }
                })
                .onFailure(e -> HttpErrors.internal(ctx, e));
    }

    /** Runs on the inference pool: draws the images and encodes them, the model held only while it draws. */
    private Answer generated(GenerateQuery query, boolean png) {
        Optional<ServingModel.Lease> lease = models.acquire();
        if (lease.isEmpty()) {
            return new NoModel();
        }
        try (ServingModel.Lease held = lease.get()) {
            ServingModel model = held.model();
            if (!model.canSample()) {
                return new Refused(409, "model_arch " + model.config().modelArch() + " cannot generate images; "
                        + "generating needs a model that samples around its units (gen_som_attn)", CANNOT_GENERATE);
            }
            int unit;
            try {
                unit = UnitAddress.parse(query.unit(), model.grid());
            } catch (IllegalArgumentException e) {
                return new Refused(400, e.getMessage(), BAD_PARAMETER);
            }
            float[][] images = model.sample(unit, query.count(), query.sigma(), new Random(query.seed()));
            int channels = model.config().numChannels();
            int side = model.config().inputSize();
            long version = model.version().version();
            if (png) {
                return new GeneratedPng(version, ImagePictures.png(images.length == 1
                        ? ImagePictures.picture(images[0], channels, side, side)
                        : ImagePictures.contactSheet(images, channels, side, side,
                                ImagePictures.squareColumns(images.length), 1, 2)));
            }
            List<String> encoded = new ArrayList<>(images.length);
            for (float[] image : images) {
                encoded.add(Base64.getEncoder().encodeToString(
                        ImagePictures.png(ImagePictures.picture(image, channels, side, side))));
            }
            return new GeneratedJson(new JsonObject()
                    .put("model_version", version)
                    .put("unit", unit)
                    .put("row", model.grid().row(unit))
                    .put("col", model.grid().col(unit))
                    .put("sigma", query.sigma())
                    .put("seed", query.seed())
                    .put("images", encoded));
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
        return health.get().toJson();
    }

    private static JsonObject noModel() {
        return error("no model has been published on som.models yet", NO_MODEL);
    }

    private static JsonObject error(String message, String reason) {
        return new JsonObject().put("error", message).put("reason", reason);
    }

    private static void respond(RoutingContext ctx, int status, JsonObject body) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return; // answered 503 timeout meanwhile, or the client left
        }
        ctx.response().setStatusCode(status).putHeader("content-type", JSON).end(body.encode());
    }

    /** What a request gets. */
    private sealed interface Answer permits Assigned, Invalid, NoModel, GeneratedPng, GeneratedJson, Refused {
    }

    private record Assigned(Messages.Bmu bmu) implements Answer {
    }

    private record Invalid(ImageInput.Invalid input) implements Answer {
    }

    private record NoModel() implements Answer {
    }

    private record GeneratedPng(long modelVersion, byte[] png) implements Answer {
    }

    private record GeneratedJson(JsonObject body) implements Answer {
    }

    /** A request the service refuses with a client error. */
    private record Refused(int status, String message, String reason) implements Answer {
    }

    /**
     * One admitted request's place, held by the request until its response is done and by the inference while it
     * runs; the place is freed when both let go.
     */
    private static final class Admission {
        static final String KEY = "vitsom.serving.admission";
        private final AtomicInteger pending;
        private final AtomicInteger holders = new AtomicInteger(1);

        Admission(AtomicInteger pending) {
            this.pending = pending;
        }

        void retain() {
            holders.incrementAndGet();
        }

        void release() {
            if (holders.decrementAndGet() == 0) {
                pending.decrementAndGet();
            }
        }
    }
}
