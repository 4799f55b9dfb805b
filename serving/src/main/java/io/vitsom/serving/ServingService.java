package io.vitsom.serving;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving service: watches {@code som.models} with a {@link ModelWatcher} and, once the first model is in
 * service, runs the {@link AssignmentTopology} as a Kafka Streams application. Until then the application is not
 * started, so {@code images.valid} is held (its offsets are not committed) rather than skipped. Newer models are
 * picked up by the running topology at its next batch, without a restart.
 *
 * <p>{@link #start} returns at once; the HTTP endpoint can serve from {@link #models()} meanwhile.
 *
 * <p>A stream thread that dies (inference or Kafka failing; images never get there) is replaced after a back-off
 * while the failures stay within {@link ServingConfig#threadBudget()}; past it the application is shut down, logged
 * at ERROR, rather than retrying the same failure forever. {@link #health()} says so, as it does when the model
 * watcher died or the application is not {@code RUNNING}.
 */
public final class ServingService implements AutoCloseable {
    /** How long {@link #close()} waits for Kafka Streams to stop. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ServingService.class);

    private final ServingConfig config;
    private final KafkaClients clients;
    private final Topics topics;
    private final ModelWatcher models;
    private final ServingMetrics metrics;
    private final TopologyWindow window;
    private final ModelSource streamModels;
    private final StreamThreadBackoff threadBackoff;
    /** Counted down by {@link #close}, so that a thread backing off before its replacement stops waiting. */
    private final CountDownLatch closing = new CountDownLatch(1);
    /** Failed threads waiting out their back-off. */
    private final AtomicInteger restarting = new AtomicInteger();
    private volatile String lastThreadFailure;
    private volatile boolean gaveUp;
    private KafkaStreams streams;
    private boolean closed;

    private ServingService(ServingConfig config, KafkaClients clients, Topics topics, ModelWatcher models,
                           ServingMetrics metrics, TopologyWindow window, ModelSource streamModels) {
        this.config = config;
        this.clients = clients;
        this.topics = topics;
        this.models = models;
        this.metrics = metrics;
        this.window = window;
        this.streamModels = streamModels;
        this.threadBackoff = new StreamThreadBackoff(config.threadBudget(), InstantSource.system());
    }

    /**
     * Creates the topics that are missing, starts watching {@code som.models}, and starts the Streams application as
     * soon as a model is in service.
     *
     * @param registry where the serving meters go ({@link ServingMetrics}, and the {@code vitsom_som_*} gauges of
     *     the stream path's {@link TopologyWindow})
     * @throws org.apache.kafka.common.KafkaException when the cluster cannot be reached to create the topics
     */
    public static ServingService start(ServingConfig config, KafkaClients clients, Topics topics,
                                       MeterRegistry registry) {
        return start(config, clients, topics, registry, ModelTrust.any(), Optional.empty());
    }

    /**
     * {@link #start(ServingConfig, KafkaClients, Topics, MeterRegistry)} loading only the models {@code trust}
     * accepts ({@code --checkpoint-root}, {@code --model-key-file}), fetched by {@code fetcher} from the learner
     * first when given ({@code --checkpoint-url}).
     */
    public static ServingService start(ServingConfig config, KafkaClients clients, Topics topics,
                                       MeterRegistry registry, ModelTrust trust,
                                       Optional<CheckpointFetcher> fetcher) {
        return start(config, clients, topics, registry, trust, fetcher, UnaryOperator.identity());
    }

    /**
     * {@link #start(ServingConfig, KafkaClients, Topics, MeterRegistry)} with the topology reading its model through
     * {@code streamModels} applied to the watcher: how a test makes inference fail.
     */
    static ServingService start(ServingConfig config, KafkaClients clients, Topics topics, MeterRegistry registry,
                                UnaryOperator<ModelSource> streamModels) {
        return start(config, clients, topics, registry, ModelTrust.any(), Optional.empty(), streamModels);
    }

    private static ServingService start(ServingConfig config, KafkaClients clients, Topics topics,
                                        MeterRegistry registry, ModelTrust trust,
                                        Optional<CheckpointFetcher> fetcher,
                                        UnaryOperator<ModelSource> streamModels) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(registry, "registry");
        try (Admin admin = clients.admin(config.applicationId() + "-admin")) {
            List<String> created = topics.createMissing(admin, clients.replicationFactor(), Duration.ofSeconds(30));
            if (!created.isEmpty()) {
                LOG.info("created topics {}", created);
            }
        } catch (KafkaException e) {
            // A refused login is reported as such (user, address, settings file).
            throw clients.authenticationFailure(e).orElse(e);
        }
        if (!trust.restricted()) {
            LOG.warn("serving loads any checkpoint a {} record names; on a shared cluster set --checkpoint-root "
                    + "(and --model-key-file)", topics.models().name());
        }
        ModelWatcher models = ModelWatcher.start(clients, topics.models(), trust, fetcher);
        TopologyWindow window = new TopologyWindow(config.topologyWindow());
        window.bindTo(registry);
        ServingMetrics metrics = new ServingMetrics(registry, models);
        metrics.bindModelWatcher(models);
        ServingService service = new ServingService(config, clients, topics, models, metrics, window,
                Objects.requireNonNull(streamModels.apply(models), "streamModels"));
        LOG.info("waiting for the first model on {}; {} is held until then", topics.models().name(),
                topics.imagesValid().name());
        models.addListener(service::onModel);
        return service;
    }

    /** The models in service: what the HTTP endpoint should assign with. */
    public ModelWatcher models() {
        return models;
    }

    /** The state of the Streams application; empty until the first model has started it. */
    public synchronized Optional<KafkaStreams.State> streamsState() {
        return Optional.ofNullable(streams).map(KafkaStreams::state);
    }

    /** What {@code GET /health} should say about this service now. */
    public ServingHealth health() {
        ServingHealth.Threads threads = new ServingHealth.Threads(threadBackoff.recentFailures(),
                Optional.ofNullable(lastThreadFailure), restarting.get() > 0, gaveUp);
        return ServingHealth.of(models.current(), models.failure(), streamsState(), threads);
    }

    private synchronized void onModel(Messages.ModelVersion version) {
        if (closed || streams != null) {
            return;
        }
        StreamsBuilder builder = new StreamsBuilder();
        AssignmentTopology.build(builder, topics, streamModels, config.batch(), metrics, window);
        streams = new KafkaStreams(builder.build(), streamsProperties());
        streams.setUncaughtExceptionHandler(this::onThreadFailure);
        streams.setStateListener((now, before) -> LOG.info("serving streams {} -> {}", before, now));
        LOG.info("model version {} in service: starting {} on {} ({} thread(s), {}, batches of {} or {} ms)",
                version.version(), config.applicationId(), topics.imagesValid().name(), config.threads(),
                config.processingGuarantee().configValue(), config.batch().batchSize(),
                config.batch().maxDelay().toMillis());
        streams.start();
    }

    /**
     * Runs on the dying stream thread. Image problems never get here (they go to the DLQ); this is inference or Kafka
     * failing. The batch is still in the buffer, so a new thread retries it, after a back-off and only while the
     * budget lasts: a failure that repeats would otherwise loop forever. The back-off waits on this thread, as the
     * Kafka Streams documentation suggests, bounded by the budget's longest back-off and cut short by {@link #close}.
     */
    private StreamThreadExceptionResponse onThreadFailure(Throwable e) {
        metrics.streamThreadFailed();
        lastThreadFailure = ServingHealth.rootCauseClass(e);
        if (closing.getCount() == 0) {
            LOG.error("stream thread failed while serving closes", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        StreamThreadBudget budget = config.threadBudget();
        StreamThreadBackoff.Decision decision = threadBackoff.onFailure();
        if (decision instanceof StreamThreadBackoff.ShutDown) {
            gaveUp = true;
            LOG.error("stream thread failed, {} failures within {} (at most {} are replaced); shutting serving streams"
                    + " down, restart serving once the cause is fixed (buffered images stay in the changelog)",
                    decision.failures(), budget.window(), budget.maxReplacements(), e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        Duration delay = ((StreamThreadBackoff.Replace) decision).delay();
        LOG.error("stream thread failed ({} of at most {} replacements within {}); replacing it in {} ms",
                decision.failures(), budget.maxReplacements(), budget.window(), delay.toMillis(), e);
        restarting.incrementAndGet();
        try {
            if (closing.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
        } catch (InterruptedException interrupted) {
            // Someone wants this thread gone sooner: replace it without the rest of the wait.
            Thread.currentThread().interrupt();
        } finally {
            restarting.decrementAndGet();
        }
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    private Properties streamsProperties() {
        Properties props = clients.streams(config.applicationId());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee().configValue());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) clients.replicationFactor());
        // An idle thread blocks in poll() for poll.ms; wall-clock punctuation, which flushes partial batches, can
        // only run between polls.
        props.put(StreamsConfig.POLL_MS_CONFIG, Math.min(100L, config.batch().maxDelay().toMillis()));
        return props;
    }

    /** Stops the Streams application (waiting up to {@link #DEFAULT_CLOSE_TIMEOUT}) and the model watcher. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Stops the Streams application, waiting up to {@code timeout} for it to commit and shut down, then the model
     * watcher. Idempotent.
     *
     * @return whether Kafka Streams stopped within {@code timeout} (true when it never started)
     */
    public boolean close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        KafkaStreams running;
        synchronized (this) {
            if (closed) {
                return true;
            }
            closed = true;
            running = streams;
        }
        closing.countDown();
        boolean stopped = true;
        if (running != null) {
            stopped = running.close(CloseOptions.timeout(timeout));
            if (!stopped) {
                LOG.warn("serving streams did not stop within {}", timeout);
            }
        }
        models.close();
        return stopped;
    }
}
