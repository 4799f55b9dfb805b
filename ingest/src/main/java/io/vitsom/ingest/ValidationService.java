package io.vitsom.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.ValidationTopology;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ValidationTopology} as a Kafka Streams application: {@code images} in, {@code images.valid} and
 * {@code images.dlq} out.
 *
 * <p>Failure policy: bad input never reaches this level (the topology routes it to the dead-letter topic); an
 * output record Kafka refuses goes to the dead-letter topic too ({@link DeadLetterProductionExceptionHandler}).
 * Anything else that kills the stream thread shuts the application down, logged at ERROR and reported by
 * {@link #terminated()}, rather than restarting into the same error over and over; offsets of records not yet
 * written are not committed, so a restart after the fix loses nothing.
 */
public final class ValidationService implements AutoCloseable {
    /** Largest record the application writes: a 10 MiB image plus its headers. */
    static final int MAX_RECORD_BYTES = 10 * 1024 * 1024 + ImageProducer.RECORD_OVERHEAD_BYTES;

    /** {@link #health()} reason: a stream thread failed, which shuts validation down. */
    public static final String THREAD_FAILED = "stream-thread-failed";
    /** {@link #health()} reason: the application is starting, rebalancing or stopped. */
    public static final String NOT_RUNNING = "streams-not-running";

    private static final Logger LOG = LoggerFactory.getLogger(ValidationService.class);

    private final ValidationServiceConfig config;
    private final KafkaClients clients;
    private final IngestMetrics metrics;
    private final CountDownLatch running = new CountDownLatch(1);
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile Throwable threadFailure;
    private KafkaStreams streams;
    private boolean closed;

    /**
     * Prepares the service; nothing connects before {@link #start()}.
     *
     * @param registry where {@code vitsom_ingest_records_total{source="validation"}} counts accepted records and
     *     rejected ones by reason
     */
    public ValidationService(ValidationServiceConfig config, KafkaClients clients, MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.metrics = new IngestMetrics(Objects.requireNonNull(registry, "registry"), IngestMetrics.Source.VALIDATION);
    }

    /**
     * Checks that the broker answers, creates missing topics, starts the application and waits until it is RUNNING.
     *
     * @throws KafkaException naming the bootstrap servers when the broker does not answer, or when the application
     *     does not reach RUNNING within the start timeout (it is closed again in both cases)
     * @throws IllegalStateException when called twice
     */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("ValidationService.start() may be called only once");
        }
        Duration timeout = config.startTimeout();
        TopicSetup.ensure(clients, config.topics(), timeout, config.applicationId() + "-admin");
        StreamsBuilder builder = new StreamsBuilder();
        ValidationTopology.build(builder, config.topics(), config.validation(), new ValidationTopology.Listener() {
            @Override
            public void accepted() {
                metrics.accepted();
            }

            @Override
            public void rejected(String reason) {
                metrics.rejected(reason);
            }
        });
        KafkaStreams created = new KafkaStreams(builder.build(), streamsProperties());
        created.setStateListener((newState, oldState) -> {
            LOG.info("validation {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.RUNNING) {
                running.countDown();
            } else if (newState == KafkaStreams.State.ERROR) {
                terminated.completeExceptionally(new KafkaException("validation stopped with an error"
                        + (threadFailure != null ? ": " + threadFailure : ""), threadFailure));
                running.countDown();
            } else if (newState == KafkaStreams.State.NOT_RUNNING) {
                terminated.complete(null);
                running.countDown();
            }
        });
        created.setUncaughtExceptionHandler(exception -> {
            threadFailure = exception;
            LOG.error("validation stream thread failed; shutting validation down (unwritten records stay "
                    + "uncommitted in {} and are read again after a restart)", config.topics().images().name(),
                    exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        synchronized (this) {
            if (closed) {
                created.close();
                throw new IllegalStateException("validation was closed while it was starting");
            }
            streams = created;
        }
        LOG.info("starting validation {} ({} -> {} | {}, input {}{}{}) on {}", config.applicationId(),
                config.topics().images().name(), config.topics().imagesValid().name(),
                config.topics().imagesDlq().name(), config.validation().shape(),
                config.validation().convertChannels() ? ", converting channels" : "",
                config.validation().resize() ? ", resizing" : "", clients.bootstrapServers());
        created.start();
        boolean reached;
        try {
            reached = running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new KafkaException("interrupted while starting validation", e);
        }
        KafkaStreams.State state = created.state();
        if (!reached || state != KafkaStreams.State.RUNNING) {
            close();
            throw new KafkaException("validation did not reach RUNNING within " + timeout.toSeconds() + " s (state "
                    + state + ") against Kafka at " + clients.bootstrapServers()
                    + (threadFailure != null ? ": " + threadFailure : ""), threadFailure);
        }
    }

    /** The application's current state ({@code CREATED} before {@link #start()}). */
    public synchronized KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    /**
     * What {@code GET /health} says: {@code "status": "UP"} while the application is {@code RUNNING}; otherwise
     * {@code "DOWN"} with its {@code state} and a {@code reason}: {@value #THREAD_FAILED} (plus the failure's class in
     * {@code error}; its message and stack trace only in the log, as the route is open) or {@value #NOT_RUNNING}.
     */
    public JsonObject health() {
        KafkaStreams.State state = state();
        JsonObject health = new JsonObject().put("service", "validation").put("state", state.name());
        if (state == KafkaStreams.State.RUNNING) {
            return health.put("status", "UP");
        }
        Throwable failure = threadFailure;
        if (failure != null) {
            Throwable root = failure;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            health.put("reason", THREAD_FAILED).put("error", root.getClass().getSimpleName())
                    .put("message", "a stream thread failed and validation was shut down");
        } else {
            health.put("reason", NOT_RUNNING).put("message", "the Streams application is " + state.name());
        }
        return health.put("status", "DOWN");
    }

    /**
     * Completes when the application has stopped: normally after {@link #close()}, exceptionally when a failure
     * shut it down (a command waits on this to exit with an error instead of running on without validation).
     */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /**
     * Stops the application, waiting up to the close timeout; may be called from another thread while
     * {@link #start()} waits, which then fails. Idempotent.
     */
    @Override
    public void close() {
        KafkaStreams toClose;
        synchronized (this) {
            closed = true;
            toClose = streams;
        }
        if (toClose != null && !toClose.close(CloseOptions.timeout(config.closeTimeout()))) {
            LOG.warn("validation did not shut down within {}", config.closeTimeout());
        }
        running.countDown();
        terminated.complete(null);
    }

    private Properties streamsProperties() {
        Properties props = clients.streams(config.applicationId());
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterProductionExceptionHandler.class.getName());
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topics().imagesDlq().name());
        // Images are larger than the producer's default 1 MiB limit allows.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), MAX_RECORD_BYTES);
        config.stateDir().ifPresent(dir -> props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString()));
        return props;
    }
}
