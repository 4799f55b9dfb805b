package io.vitsom.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
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
 *   <li>{@code vitsom_serving_rejected_total{path,reason}}: images that could not be assigned, by reason code</li>
 *   <li>{@code vitsom_serving_model_version}: the model version in service (NaN before the first)</li>
 *   <li>{@code vitsom_serving_batch_size}: images per inference batch of the stream path</li>
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
}
