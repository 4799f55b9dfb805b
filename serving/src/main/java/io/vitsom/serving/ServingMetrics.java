package io.vitsom.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The serving meters, as Prometheus shows them:
 *
 * <ul>
 *   <li>{@code vitsom_serving_assign_seconds{path}}: time to assign one image, with a percentile histogram; on the
 *       {@code http} path from the request to the answer, on the {@code stream} path from the record's arrival in the
 *       batch buffer to its assignment being forwarded (so it includes the wait for the batch)</li>
 *   <li>{@code vitsom_serving_images_total{path}}: images assigned</li>
 *   <li>{@code vitsom_serving_rejected_total{path,reason}}: images that could not be assigned, by reason code; on the
 *       {@code http} path also requests refused unread because the queue was full ({@code overloaded}) or their
 *       body was over the limit ({@code too-large-image})</li>
 *   <li>{@code vitsom_serving_model_version}: the model version in service (NaN before the first)</li>
 *   <li>{@code vitsom_serving_batch_size}: images per inference batch of the stream path</li>
 *   <li>{@code vitsom_serving_model_load_failures_total}: checkpoint loads of announced versions that failed, retries
 *       included ({@link #bindModelWatcher})</li>
 *   <li>{@code vitsom_serving_models_untrusted_total}: announced models refused for good as untrusted
 *       ({@link UntrustedModelException})</li>
 *   <li>{@code vitsom_serving_stream_thread_failures_total}: stream threads of the Kafka Streams application that
 *       died</li>
 * </ul>
 *
 * <p>Meters are registered idempotently: the stream and HTTP sides may each build one on the same registry. The
 * map-quality gauges of the stream path ({@code vitsom_som_*}) are {@link TopologyWindow}'s.
 */
public final class ServingMetrics {
    private static final String ASSIGN = "vitsom.serving.assign";
    private static final String IMAGES = "vitsom.serving.images";
    private static final String REJECTED = "vitsom.serving.rejected";
    private static final String MODEL_VERSION = "vitsom.serving.model.version";
    private static final String BATCH_SIZE = "vitsom.serving.batch.size";
    private static final String MODEL_LOAD_FAILURES = "vitsom.serving.model.load.failures";
    private static final String STREAM_THREAD_FAILURES = "vitsom.serving.stream.thread.failures";

    private final MeterRegistry registry;
    private final Map<AssignPath, Timer> assignTimers = new EnumMap<>(AssignPath.class);
    private final Map<AssignPath, Counter> images = new EnumMap<>(AssignPath.class);
    private final DistributionSummary batchSize;

    /** Where an image came in. */
    public enum AssignPath {
        /** {@code POST /v1/assign}. */
        HTTP,
        /** The Kafka Streams application. */
        STREAM;

        /** The {@code path} tag value. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Registers the meters.
     *
     * @param models reports the version for the model-version gauge
     */
    public ServingMetrics(MeterRegistry registry, ModelSource models) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(models, "models");
        for (AssignPath path : AssignPath.values()) {
            assignTimers.put(path, Timer.builder(ASSIGN)
                    .description("Time to assign one image to its best-matching unit")
                    .tag("path", path.tag())
                    .publishPercentileHistogram()
                    .register(registry));
            images.put(path, Counter.builder(IMAGES)
                    .description("Images assigned to a unit")
                    .tag("path", path.tag())
                    .register(registry));
        }
        Gauge.builder(MODEL_VERSION, models, source -> source.current().map(v -> (double) v.version())
                        .orElse(Double.NaN))
                .description("Version of the model in service")
                .strongReference(true)
                .register(registry);
        this.batchSize = DistributionSummary.builder(BATCH_SIZE)
                .description("Images per inference batch of the stream path")
                .register(registry);
    }

    /** Counts one assigned image and the time it took. */
    public void assigned(AssignPath path, Duration took) {
        assignTimers.get(path).record(took);
        images.get(path).increment();
    }

    /** Counts one image that could not be assigned. */
    public void rejected(AssignPath path, String reason) {
        Counter.builder(REJECTED)
                .description("Images that could not be assigned, by reason")
                .tag("path", path.tag())
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /** Records the size of one inference batch. */
    public void batch(int size) {
        batchSize.record(size);
    }

    /** Shows {@code watcher}'s {@link ModelWatcher#loadFailures()} as {@code vitsom_serving_model_load_failures_total}. */
    public void bindModelWatcher(ModelWatcher watcher) {
        Objects.requireNonNull(watcher, "watcher");
        FunctionCounter.builder(MODEL_LOAD_FAILURES, watcher, ModelWatcher::loadFailures)
                .description("Checkpoint loads of announced model versions that failed, retries included")
                .register(registry);
        FunctionCounter.builder("vitsom_serving_models_untrusted", watcher, ModelWatcher::untrustedModels)
                .description("Announced models refused as untrusted: outside --checkpoint-root, unsigned or badly "
                        + "signed, or announcing another version than their checkpoint's")
                .register(registry);
    }

    /** Counts one stream thread that died. */
    public void streamThreadFailed() {
        Counter.builder(STREAM_THREAD_FAILURES)
                .description("Stream threads of the serving Kafka Streams application that died")
                .register(registry)
                .increment();
    }
}
