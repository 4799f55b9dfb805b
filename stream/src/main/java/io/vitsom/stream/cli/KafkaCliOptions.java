package io.vitsom.stream.cli;

import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.KafkaClients;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --bootstrap H:P} and {@code --kafka-config FILE}, the same on every service command that talks to a cluster
 * (a picocli mixin): learn, serve, dashboard and the ingest commands.
 */
public final class KafkaCliOptions {
    /** Where a service looks for Kafka without {@code --bootstrap}: the embedded broker of {@code run}. */
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:" + EmbeddedKafka.DEFAULT_PORT;

    @Option(names = "--bootstrap", paramLabel = "H:P", defaultValue = DEFAULT_BOOTSTRAP,
            description = "Kafka bootstrap servers, host:port[,host:port] (default: ${DEFAULT-VALUE})")
    String bootstrap = DEFAULT_BOOTSTRAP;

    @Mixin
    KafkaConfigOption config = new KafkaConfigOption();

    /** The bootstrap servers given (or the default). */
    public String bootstrap() {
        return bootstrap;
    }

    /**
     * Clients of the cluster at {@code --bootstrap} with the settings of {@code --kafka-config}.
     *
     * @throws IllegalArgumentException naming the file when {@code --kafka-config} cannot be used
     */
    public KafkaClients clients() {
        return config.clients(bootstrap);
    }
}
