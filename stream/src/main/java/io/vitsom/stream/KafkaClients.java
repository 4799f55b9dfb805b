package io.vitsom.stream;

import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Where the cluster is and how our clients talk to it. Services build their producer, consumer and Streams
 * properties from here, so a setting such as a security protocol is added in one place.
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param replicationFactor replicas of topics this project creates (1 for a single broker)
 */
public record KafkaClients(String bootstrapServers, short replicationFactor) {
    /** Set by name: the constant is already deprecated, and the setting is Kafka 5.0's default. */
    private static final String GLOBAL_PROCESSING_HANDLER = "processing.exception.handler.global.enabled";
    /** linger.ms of the producers inside our Streams applications. */
    static final int STREAMS_LINGER_MS = 5;

    public KafkaClients {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers must not be empty");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be >= 1, got " + replicationFactor);
        }
    }

    /** A single-broker cluster at {@code bootstrapServers}. */
    public static KafkaClients of(String bootstrapServers) {
        return new KafkaClients(bootstrapServers, (short) 1);
    }

    /** Base properties of every client: bootstrap servers plus a client id that names the service in broker logs. */
    public Properties base(String clientId) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    /**
     * Base properties of a Kafka Streams application: {@link #base} with the application id, a short producer linger
     * and the Kafka 5.0 processing-exception behaviour.
     */
    public Properties streams(String applicationId) {
        Properties props = base(applicationId);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        // Streams lingers 100 ms by default, and an image passes two topologies (validation, serving): that was
        // most of the end-to-end latency. Under load the producer's batches fill long before 5 ms anyway.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), STREAMS_LINGER_MS);
        // Opt in to Kafka 5.0's behaviour now. The main consumer's partition assignor builds its own StreamsConfig
        // from the consumer's settings only, and warns unless it finds the setting there too.
        props.put(GLOBAL_PROCESSING_HANDLER, "true");
        props.put(StreamsConfig.mainConsumerPrefix(GLOBAL_PROCESSING_HANDLER), "true");
        return props;
    }

    /** An admin client; fails fast (10 s) when the cluster is unreachable instead of retrying for minutes. */
    public Admin admin(String clientId) {
        Properties props = base(clientId);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return Admin.create(props);
    }
}
