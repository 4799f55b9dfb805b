package io.vitsom.serving;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving service: watches {@code som.models} with a {@link ModelWatcher} and, once the first model is in
 * service, runs the {@link AssignmentTopology} as a Kafka Streams application. Until then the application is not
 * started, so {@code images.valid} is held (its offsets are not committed) rather than skipped. Newer models are
 * picked up by the running topology at its next batch, without a restart.
 *
 * <p>{@link #start} returns at once; the HTTP endpoint can serve from {@link #models()} meanwhile.
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
    private KafkaStreams streams;
    private boolean closed;

    private ServingService(ServingConfig config, KafkaClients clients, Topics topics, ModelWatcher models,
                           ServingMetrics metrics, TopologyWindow window) {
        this.config = config;
        this.clients = clients;
        this.topics = topics;
        this.models = models;
        this.metrics = metrics;
        this.window = window;
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
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(registry, "registry");
        try (Admin admin = clients.admin(config.applicationId() + "-admin")) {
            List<String> created = topics.createMissing(admin, clients.replicationFactor(), Duration.ofSeconds(30));
            if (!created.isEmpty()) {
                LOG.info("created topics {}", created);
            }
        }
        ModelWatcher models = ModelWatcher.start(clients, topics.models());
        TopologyWindow window = new TopologyWindow(config.topologyWindow());
        window.bindTo(registry);
        ServingService service = new ServingService(config, clients, topics, models,
                new ServingMetrics(registry, models), window);
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

    private synchronized void onModel(Messages.ModelVersion version) {
        if (closed || streams != null) {
            return;
        }
        StreamsBuilder builder = new StreamsBuilder();
        AssignmentTopology.build(builder, topics, models, config.batch(), metrics, window);
        streams = new KafkaStreams(builder.build(), streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            // Image problems never get here (they go to the DLQ); this is inference or Kafka failing. The batch is
            // still in the buffer, so a new thread retries it.
            LOG.error("stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> LOG.info("serving streams {} -> {}", before, now));
        LOG.info("model version {} in service: starting {} on {} ({} thread(s), {}, batches of {} or {} ms)",
                version.version(), config.applicationId(), topics.imagesValid().name(), config.threads(),
                config.processingGuarantee().configValue(), config.batch().batchSize(),
                config.batch().maxDelay().toMillis());
        streams.start();
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
