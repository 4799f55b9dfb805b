package io.vitsom.stream.cli;

import io.vitsom.stream.KafkaClientProperties;
import io.vitsom.stream.KafkaClients;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --kafka-config FILE}: extra Kafka client settings (Java properties: security protocol, SASL, SSL, client
 * tuning) for every producer, consumer, admin client and Streams application of a command (a picocli mixin). Part of
 * {@link KafkaCliOptions}; used alone by commands whose {@code --bootstrap} means something else or that only talk to
 * the embedded broker.
 */
public final class KafkaConfigOption {
    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties merged into every producer, consumer, admin client and Streams app, "
                    + "e.g. security.protocol, sasl.*, ssl.* (see deploy/kafka-client.properties.example); "
                    + "may not set bootstrap.servers, client.id, application.id or group.id")
    Path file;

    /**
     * The file's settings, or none without the option.
     *
     * @throws IllegalArgumentException naming the file when it is missing, unreadable or holds a refused, unknown or
     *     invalid setting
     */
    public KafkaClientProperties properties() {
        return file == null ? KafkaClientProperties.none() : KafkaClientProperties.load(file);
    }

    /** Clients of the single-broker cluster at {@code bootstrapServers} with this option's settings. */
    public KafkaClients clients(String bootstrapServers) {
        return KafkaClients.of(bootstrapServers, properties());
    }
}
