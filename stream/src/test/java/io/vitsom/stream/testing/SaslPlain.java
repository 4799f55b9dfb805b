package io.vitsom.stream.testing;

import io.vitsom.stream.KafkaClientProperties;
import java.util.Map;

/** Client settings for the embedded broker's SASL_PLAINTEXT (PLAIN) listener, as a user's --kafka-config holds them. */
public final class SaslPlain {
    private SaslPlain() {
    }

    /** {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config} for this user. */
    public static Map<String, String> clientSettings(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + user + "\" password=\"" + password + "\";");
    }

    /** {@link #clientSettings} checked as a file's would be. */
    public static KafkaClientProperties properties(String user, String password) {
        return KafkaClientProperties.of(clientSettings(user, password));
    }
}
