package io.vitsom.ingest;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.model.data.ImageDecodeException;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.http.BearerAuth;
import io.vitsom.stream.http.HttpErrors;
import io.vitsom.stream.http.HttpServers;
import io.vitsom.stream.http.ServiceRoutes;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP upload endpoint.
 *
 * <p>{@code POST /v1/images} takes the raw image bytes as the body ({@code Content-Type: image/png} or
 * {@code image/jpeg}; the bytes decide, the header is not trusted) and the optional query parameters {@code key}
 * (the record key; default {@code http-<random UUID>}) and {@code label}. It writes one record to the images
 * topic, waits for the broker's acknowledgement and answers {@code 201} with
 * {@code {"key": ..., "topic": ..., "partition": ..., "offset": ...}}. Errors are JSON
 * {@code {"error": <reason>, "message": <text>}}: 400 for an empty body, bytes that are not PNG/JPEG or a blank
 * key; 413 over the size limit; 503 (with {@code Retry-After}) when the broker does not acknowledge in time; 500
 * when it refuses the record for another reason. Whether the image decodes completely is checked downstream by
 * validation, which sends damaged images to the dead-letter topic.
 *
 * <p>Also {@code GET /health} and {@code GET /metrics} ({@link ServiceRoutes}), with the counter of
 * {@link IngestMetrics}. With a {@link BearerAuth} token, every route but those two answers 401
 * {@code {"error", "reason": "unauthorized"}} without it; a failure of the server itself is a 500 whose body carries
 * an error id, its exception only in the log ({@link HttpServers#guard}). Deployment fails when the port cannot be
 * bound.
 */
public final class IngestHttpVerticle extends VerticleBase {
    /** The upload route. */
    public static final String IMAGES_PATH = "/v1/images";

    private static final Logger LOG = LoggerFactory.getLogger(IngestHttpVerticle.class);
    private static final String JSON = "application/json";
    private static final int RETRY_AFTER_SECONDS = 5;

    private final HttpIngestConfig config;
    private final KafkaClients clients;
    private final PrometheusMeterRegistry registry;
    private final BearerAuth auth;
    private IngestMetrics metrics;
    private ImageProducer producer;
    private HttpServer server;

    /**
     * @param config where to listen and what to accept
     * @param clients the Kafka cluster
     * @param registry where the ingest counter lives and what {@code /metrics} serves
     */
    public IngestHttpVerticle(HttpIngestConfig config, KafkaClients clients, PrometheusMeterRegistry registry) {
        this(config, clients, registry, BearerAuth.none());
    }

    /**
     * @param config where to listen and what to accept
     * @param clients the Kafka cluster
     * @param registry where the ingest counter lives and what {@code /metrics} serves
     * @param auth the token uploads need ({@link BearerAuth#none()}: none)
     */
    public IngestHttpVerticle(HttpIngestConfig config, KafkaClients clients, PrometheusMeterRegistry registry,
                              BearerAuth auth) {
        this.config = Objects.requireNonNull(config, "config");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.auth = Objects.requireNonNull(auth, "auth");
    }

    /** The port listened on (useful with port 0); -1 before the verticle is deployed. */
    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }

    @Override
    public Future<?> start() {
        metrics = new IngestMetrics(registry, IngestMetrics.Source.HTTP);
        // The producer's constructor resolves the bootstrap addresses (DNS): not on the event loop.
        return vertx.executeBlocking(() -> new ImageProducer(clients, "vitsom-ingest-http", config.topic(),
                        config.maxBodyBytes(), config.ackTimeout()))
                .compose(created -> {
                    producer = created;
                    return vertx.createHttpServer(HttpServers.options())
                            .requestHandler(router())
                            .listen(config.port(), config.host());
                })
                .onSuccess(listening -> {
                    server = listening;
                    LOG.info("HTTP ingest listening on http://{}:{}{} into topic {}", config.host(),
                            listening.actualPort(), IMAGES_PATH, config.topic().name());
                })
                .recover(failure -> closeProducer().transform(ignored -> Future.failedFuture(
                        new IllegalStateException("HTTP ingest cannot listen on " + config.host() + ":"
                                + config.port() + ": " + failure.getMessage(), failure))));
    }

    @Override
    public Future<?> stop() {
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.eventually(this::closeProducer);
    }

    private Future<Void> closeProducer() {
        ImageProducer toClose = producer;
        producer = null;
        return toClose == null ? Future.succeededFuture()
                : vertx.executeBlocking(() -> {
                    toClose.close();
                    return null;
                });
    }

    private Router router() {
        Router router = Router.router(vertx);
        // An upload may wait its whole acknowledgement timeout for the broker: the request timeout leaves it that.
        Duration requestTimeout = config.ackTimeout().plusSeconds(5).compareTo(HttpServers.REQUEST_TIMEOUT) > 0
                ? config.ackTimeout().plusSeconds(5) : HttpServers.REQUEST_TIMEOUT;
        HttpServers.guard(router, auth, BearerAuth.Challenge.BEARER, Set.of(), requestTimeout);
        router.post(IMAGES_PATH)
                .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                .handler(this::upload);
        // BodyHandler fails the request with 413 when the body exceeds the limit; replaces the guard's generic 413.
        router.errorHandler(413, ctx -> reject(ctx, 413, IngestMetrics.TOO_LARGE,
                "the body exceeds the upload limit of " + config.maxBodyBytes() + " bytes"));
        ServiceRoutes.add(router, registry, () -> new JsonObject().put("status", "UP")
                .put("topic", config.topic().name()));
        return router;
    }

    private void upload(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            reject(ctx, 400, IngestMetrics.EMPTY, "the request body is empty; send the PNG or JPEG bytes as the body");
            return;
        }
        byte[] bytes = body.getBytes();
        Optional<ImageFormat> format = ImageFormat.sniff(bytes);
        if (format.isEmpty()) {
            reject(ctx, 400, IngestMetrics.NOT_AN_IMAGE, "the body is not a PNG or JPEG image ("
                    + ImageFormat.describePrefix(bytes) + ")");
            return;
        }
        try {
            // Refused at the door: nothing downstream should carry an image that no decoder may allocate. Other
            // damage is left to validation, which sends it to the dead-letter topic with its reason.
            ImageCodec.checkHeader(bytes, config.limits());
        } catch (ImageDecodeException e) {
            if (e.reason().equals(ImageDecodeException.TOO_LARGE)) {
                reject(ctx, 413, ImageDecodeException.TOO_LARGE, e.getMessage());
                return;
            }
        }
        String key = ctx.queryParams().get("key");
        if (key != null && key.isBlank()) {
            reject(ctx, 400, IngestMetrics.BAD_REQUEST, "the key parameter must not be blank; leave it out to get "
                    + "a generated key");
            return;
        }
        String recordKey = key != null ? key : "http-" + UUID.randomUUID();
        Optional<String> label = Optional.ofNullable(ctx.queryParams().get("label")).filter(l -> !l.isBlank());
        ImageRecord.Metadata metadata = new ImageRecord.Metadata(format.get().contentType(), "http", label,
                Instant.now());
        ImageProducer target = producer;
        // send() can block while it waits for metadata or buffer space (a broker that is down): not on the loop.
        vertx.executeBlocking(() -> target.send(recordKey, bytes, metadata), false)
                .compose(acknowledgement -> Future.fromCompletionStage(acknowledgement, context))
                .timeout(config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .onSuccess(acknowledged -> created(ctx, recordKey, acknowledged))
                .onFailure(failure -> sendFailed(ctx, recordKey, failure));
    }

    private void created(RoutingContext ctx, String key, RecordMetadata acknowledged) {
        metrics.accepted();
        ctx.response().setStatusCode(201).putHeader("content-type", JSON).end(new JsonObject()
                .put("key", key)
                .put("topic", acknowledged.topic())
                .put("partition", acknowledged.partition())
                .put("offset", acknowledged.offset())
                .encode());
    }

    private void sendFailed(RoutingContext ctx, String key, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            LOG.warn("no acknowledgement for {} within {} ms: {}", key, config.ackTimeout().toMillis(), cause.toString());
            ctx.response().putHeader("retry-after", Integer.toString(RETRY_AFTER_SECONDS));
            reject(ctx, 503, IngestMetrics.BROKER_TIMEOUT, "Kafka did not acknowledge the image within "
                    + config.ackTimeout().toMillis() + " ms; try again later");
        } else if (cause instanceof RecordTooLargeException) {
            // Kafka's text names broker settings; the client only needs to know the record was too large.
            LOG.warn("Kafka refused {} as too large: {}", key, cause.toString());
            reject(ctx, 413, IngestMetrics.TOO_LARGE, "Kafka refused the record as too large for the topic");
        } else if (cause instanceof RetriableException) {
            LOG.warn("Kafka could not take {}: {}", key, cause.toString());
            ctx.response().putHeader("retry-after", Integer.toString(RETRY_AFTER_SECONDS));
            reject(ctx, 503, IngestMetrics.BROKER_ERROR, "Kafka is not available; try again later");
        } else {
            metrics.rejected(IngestMetrics.BROKER_ERROR);
            HttpErrors.internal(ctx, new IllegalStateException("Kafka refused " + key, cause));
        }
    }

    private void reject(RoutingContext ctx, int status, String reason, String message) {
        metrics.rejected(reason);
        if (ctx.response().ended() || ctx.response().closed()) {
            return; // answered 503 timeout meanwhile, or the client left
        }
        ctx.response().setStatusCode(status).putHeader("content-type", JSON)
                .end(new JsonObject().put("error", reason).put("message", message).encode());
    }
}
