package io.vitsom.ingest;

import io.vitsom.stream.KafkaClients;
import picocli.CommandLine.Option;

/** The {@code --bootstrap} option every ingest command takes. */
final class KafkaOptions {
    @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers, host:port[,host:port] (default: ${DEFAULT-VALUE})")
    String bootstrap;

    KafkaClients clients() {
        return KafkaClients.of(bootstrap);
    }
}
