package io.vitsom.stream;

import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Where the cluster is and how our clients talk to it. Services build their producer, consumer, admin and Streams
 * properties from here only, so the user's extra settings ({@code --kafka-config}: security protocol, SASL, SSL)
 * reach every client; see {@link KafkaClientProperties} for which side wins when both set a key.
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param replicationFactor replicas of topics this project creates (1 for a single broker)
 * @param properties extra client settings laid under every client's own (the record's {@code toString} masks secrets)
 */
public record KafkaClients(String bootstrapServers, short replicationFactor, KafkaClientProperties properties) {
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
        Objects.requireNonNull(properties, "properties");
    }

    /** Clients with no extra settings (PLAINTEXT, Kafka's defaults). */
    public KafkaClients(String bootstrapServers, short replicationFactor) {
        this(bootstrapServers, replicationFactor, KafkaClientProperties.none());
    }

    /** A single-broker cluster at {@code bootstrapServers}. */
    public static KafkaClients of(String bootstrapServers) {
        return new KafkaClients(bootstrapServers, (short) 1);
    }

    /** A single-broker cluster at {@code bootstrapServers}, reached with the extra settings {@code properties}. */
    public static KafkaClients of(String bootstrapServers, KafkaClientProperties properties) {
        return new KafkaClients(bootstrapServers, (short) 1, properties);
    }

    /**
     * Base properties of every client: the extra settings, then bootstrap servers plus a client id that names the
     * service in broker logs. Callers add their own settings on top, so a key a service sets itself wins over the
     * file (the file cannot hold bootstrap servers or a client id at all).
     */
    public Properties base(String clientId) {
        Properties props = new Properties();
        properties.applyTo(props);
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

    /**
     * When {@code failure} (or one of its causes) is the cluster refusing our login, one line saying so: the user, the
     * address, the mechanism and where the settings came from, with the broker's reason. Services throw it instead of
     * their "cannot reach" message, because the fix is the credentials, not the network.
     */
    public Optional<KafkaException> authenticationFailure(Throwable failure) {
        // Bounded: a cause chain can in principle loop.
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 20; depth++, cause = cause.getCause()) {
            if (cause instanceof AuthenticationException refused) {
                String user = properties.saslUsername().map(name -> " for user '" + name + "'").orElse("");
                String protocol = properties.values().getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                        CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL);
                String mechanism = properties.values().get(SaslConfigs.SASL_MECHANISM);
                String settings = properties.file().map(file -> "; check the credentials in " + file).orElse("");
                return Optional.of(new KafkaException("Kafka authentication failed" + user + " at " + bootstrapServers
                        + " (" + protocol + (mechanism != null ? ", " + mechanism : "") + "): " + refused.getMessage()
                        + settings, refused));
            }
        }
        return Optional.empty();
    }
}
