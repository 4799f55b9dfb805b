package io.vitsom.learner;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The learner's client settings and compute device, in one place. */
final class LearnerClients {
    private LearnerClients() {
    }

    /**
     * The consumer: every position set explicitly, no auto-commit, metadata refreshed at least every
     * {@code partitionCheckEvery} (at most 30 s) so added partitions are seen.
     */
    static Properties consumer(LearnerConfig config, Duration partitionCheckEvery) {
        Properties props = config.kafka().base("vitsom-learner");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Every position is set explicitly (checkpoint or beginning); one that is gone must be an error, not a jump.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) Math.min(partitionCheckEvery.toMillis(), 30_000));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(64, config.model().batchSize() * 2));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    /** The producer: idempotent, acknowledged by all replicas, a short linger. */
    static Properties producer(LearnerConfig config) {
        Properties props = config.kafka().base("vitsom-learner-out");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    /** The device of {@code --device}: {@code cpu}, {@code gpu} (fails without one) or the engine's default. */
    static Device device(String name) {
        Engine engine = Engine.getInstance();
        return switch (name) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (engine.getGpuCount() == 0) {
                    throw new IllegalArgumentException("--device gpu: the " + engine.getEngineName() + " engine "
                            + engine.getVersion() + " sees no GPU (Maven Central ships CPU libtorch only; see README)");
                }
                yield Device.gpu();
            }
            default -> engine.defaultDevice();
        };
    }
}
