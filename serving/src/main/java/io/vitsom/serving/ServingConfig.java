package io.vitsom.serving;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of the serving Kafka Streams application.
 *
 * @param applicationId Kafka Streams {@code application.id}: instances with the same id share the partitions of
 *     {@code images.valid} as one consumer group
 * @param threads {@code num.stream.threads}; each thread runs its own inference batches
 * @param processingGuarantee {@code processing.guarantee}
 * @param batch how records are grouped into inference batches
 * @param stateDir {@code state.dir}: where Kafka Streams keeps its task directories (the batch buffer itself is in
 *     memory and restored from its changelog topic)
 * @param topologyWindow how many of the most recently assigned images the {@code vitsom_som_*} gauges are computed
 *     over ({@link TopologyWindow})
 * @param threadBudget how many failed stream threads are replaced, and after which delays, before the Streams
 *     application is shut down
 */
public record ServingConfig(String applicationId, int threads, ProcessingGuarantee processingGuarantee,
                            BatchConfig batch, Path stateDir, int topologyWindow, StreamThreadBudget threadBudget) {
    /** Default {@code application.id}. */
    public static final String DEFAULT_APPLICATION_ID = "vitsom-serving";
    /** Default {@link #topologyWindow()}: images. */
    public static final int DEFAULT_TOPOLOGY_WINDOW = 2_000;

    public ServingConfig {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(processingGuarantee, "processingGuarantee");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(threadBudget, "threadBudget");
        if (applicationId.isBlank()) {
            throw new IllegalArgumentException("applicationId must not be blank");
        }
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        if (topologyWindow <= 0) {
            throw new IllegalArgumentException("topologyWindow must be positive, got " + topologyWindow);
        }
    }

    /** Settings with the default {@link #threadBudget()}. */
    public ServingConfig(String applicationId, int threads, ProcessingGuarantee processingGuarantee, BatchConfig batch,
                         Path stateDir, int topologyWindow) {
        this(applicationId, threads, processingGuarantee, batch, stateDir, topologyWindow,
                StreamThreadBudget.defaults());
    }

    /** Settings with the default {@link #topologyWindow()} and {@link #threadBudget()}. */
    public ServingConfig(String applicationId, int threads, ProcessingGuarantee processingGuarantee, BatchConfig batch,
                         Path stateDir) {
        this(applicationId, threads, processingGuarantee, batch, stateDir, DEFAULT_TOPOLOGY_WINDOW);
    }

    /**
     * Application id {@value #DEFAULT_APPLICATION_ID}, one stream thread, at-least-once, default batching, Kafka
     * Streams' own default state directory ({@code java.io.tmpdir/kafka-streams}), a topology window of
     * {@value #DEFAULT_TOPOLOGY_WINDOW} images, and {@link StreamThreadBudget#defaults()}.
     */
    public static ServingConfig defaults() {
        return new ServingConfig(DEFAULT_APPLICATION_ID, 1, ProcessingGuarantee.AT_LEAST_ONCE, BatchConfig.defaults(),
                Path.of(System.getProperty("java.io.tmpdir"), "kafka-streams"), DEFAULT_TOPOLOGY_WINDOW,
                StreamThreadBudget.defaults());
    }

    /** The same settings with another state directory. */
    public ServingConfig withStateDir(Path newStateDir) {
        return new ServingConfig(applicationId, threads, processingGuarantee, batch, newStateDir, topologyWindow,
                threadBudget);
    }

    /** The same settings with another topology window. */
    public ServingConfig withTopologyWindow(int images) {
        return new ServingConfig(applicationId, threads, processingGuarantee, batch, stateDir, images, threadBudget);
    }

    /** The same settings with another stream-thread budget. */
    public ServingConfig withThreadBudget(StreamThreadBudget budget) {
        return new ServingConfig(applicationId, threads, processingGuarantee, batch, stateDir, topologyWindow, budget);
    }

    /** The processing guarantees Kafka Streams offers. */
    public enum ProcessingGuarantee {
        /** Records may be assigned twice after a crash, never lost. */
        AT_LEAST_ONCE("at_least_once"),
        /** Transactions: each record's assignment is written exactly once (needs a broker with transactions). */
        EXACTLY_ONCE_V2("exactly_once_v2");

        private final String configValue;

        ProcessingGuarantee(String configValue) {
            this.configValue = configValue;
        }

        /** The value of {@code processing.guarantee}. */
        public String configValue() {
            return configValue;
        }

        /**
         * Parses {@code at_least_once} or {@code exactly_once_v2} (case-insensitive, {@code -} for {@code _}).
         *
         * @throws IllegalArgumentException naming the accepted values
         */
        public static ProcessingGuarantee fromConfig(String value) {
            String normalized = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
            for (ProcessingGuarantee guarantee : values()) {
                if (guarantee.configValue.equals(normalized)) {
                    return guarantee;
                }
            }
            throw new IllegalArgumentException("processing guarantee must be at_least_once or exactly_once_v2, got '"
                    + value + "'");
        }
    }
}
