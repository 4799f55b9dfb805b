package io.vitsom.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
    @Test
    void streamsPropertiesNameTheApplicationAndShortenTheProducerLinger() {
        Properties props = KafkaClients.of("localhost:9092").streams("vitsom-serving");
        StreamsConfig config = new StreamsConfig(props);

        assertThat(config.getString(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("vitsom-serving");
        assertThat(config.getList(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).containsExactly("localhost:9092");
        // Streams' own default for its producers is 100 ms; ours must win when Streams builds the producer config.
        assertThat(config.getProducerConfigs("client").get("linger.ms")).isEqualTo(KafkaClients.STREAMS_LINGER_MS);
    }

    @Test
    void rejectsAnEmptyBootstrapAndAZeroReplicationFactor() {
        assertThatThrownBy(() -> KafkaClients.of(" ")).hasMessageContaining("bootstrap servers");
        assertThatThrownBy(() -> new KafkaClients("localhost:9092", (short) 0))
                .hasMessageContaining("replication factor");
    }
}
