package io.vitsom.stream;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extra Kafka client settings from a user's properties file ({@code --kafka-config FILE}), laid under the properties
 * of every producer, consumer, admin client and Streams application this project builds (through
 * {@link KafkaClients}): how SASL and SSL clusters are reached without a flag per setting.
 *
 * <p>Precedence, checked when the file is loaded:
 * <ul>
 *   <li>Settings that say <em>which</em> cluster and <em>who</em> a client is ({@code bootstrap.servers},
 *       {@code client.id}, {@code application.id}, {@code group.id}) are refused: they come from {@code --bootstrap}
 *       and from each service, and one value for every client would be wrong.</li>
 *   <li>Every other key must be a producer, consumer, admin or Kafka Streams setting with a valid value; a typo or a
 *       broker setting fails at start instead of being ignored with a warning in a client's log.</li>
 *   <li>Where a service sets a key itself because its guarantees depend on it (for example {@code acks=all} and
 *       idempotence of the ingest producers, the Streams applications' linger and processing settings, the admin
 *       client's short timeouts) the service's value wins; the file supplies everything else.</li>
 * </ul>
 *
 * <p>Secrets never reach a log: {@link #toString()} and {@link #masked()} hide every value of Kafka's password type
 * ({@code sasl.jaas.config}, {@code ssl.*.password}, ...) and of any key naming a password, secret or token.
 */
public final class KafkaClientProperties {
    /** What {@link #masked()} shows instead of a secret. */
    public static final String HIDDEN = "[hidden]";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClientProperties.class);
    private static final KafkaClientProperties NONE = new KafkaClientProperties(Map.of(), Optional.empty());
    /** Keys a file may not set, with where the value comes from instead. */
    private static final Map<String, String> REFUSED = refused();
    private static final List<ConfigDef> CLIENT_DEFINITIONS = List.of(ProducerConfig.configDef(),
            ConsumerConfig.configDef(), AdminClientConfig.configDef(), StreamsConfig.configDef());
    private static final Pattern JAAS_USERNAME = Pattern.compile("\\busername\\s*=\\s*\"([^\"]*)\"");

    private final Map<String, String> values;
    private final Optional<Path> file;

    private KafkaClientProperties(Map<String, String> values, Optional<Path> file) {
        this.values = values;
        this.file = file;
    }

    /** No extra settings: clients talk PLAINTEXT with Kafka's defaults. */
    public static KafkaClientProperties none() {
        return NONE;
    }

    /**
     * Reads a Java properties file (UTF-8).
     *
     * @throws IllegalArgumentException naming the file when it is missing or unreadable, or naming the file and the
     *     key when a key is refused (see the class comment), unknown to Kafka's clients, or has an invalid value
     */
    public static KafkaClientProperties load(Path file) {
        Objects.requireNonNull(file, "file");
        Path absolute = file.toAbsolutePath();
        if (!Files.isRegularFile(absolute)) {
            throw new IllegalArgumentException("Kafka client config " + absolute + " does not exist or is not a file");
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(absolute, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            // Properties.load throws IllegalArgumentException for a malformed \\uXXXX escape.
            throw new IllegalArgumentException("cannot read Kafka client config " + absolute + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            values.put(key.trim(), properties.getProperty(key).trim());
        }
        KafkaClientProperties loaded = create(values, Optional.of(absolute));
        LOG.info("Kafka client settings from {}: {}", absolute, loaded.masked());
        return loaded;
    }

    /**
     * Settings given in code (tests, embedding), checked like a file's.
     *
     * @throws IllegalArgumentException as {@link #load}
     */
    public static KafkaClientProperties of(Map<String, String> values) {
        return create(Objects.requireNonNull(values, "values"), Optional.empty());
    }

    private static KafkaClientProperties create(Map<String, String> values, Optional<Path> file) {
        if (values.isEmpty() && file.isEmpty()) {
            return NONE;
        }
        String where = file.map(f -> "Kafka client config " + f).orElse("Kafka client settings");
        Map<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String key = Objects.requireNonNull(entry.getKey(), "key");
            Objects.requireNonNull(entry.getValue(), () -> "value of " + key);
            String refusal = REFUSED.get(key);
            if (refusal != null) {
                throw new IllegalArgumentException(where + ": " + key + " may not be set here; " + refusal);
            }
            sorted.put(key, entry.getValue());
        }
        List<String> problems = problems(sorted);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(where + ": " + String.join("; ", problems));
        }
        return new KafkaClientProperties(Collections.unmodifiableMap(sorted), file);
    }

    /** Unknown keys and invalid values, checked with the clients' own config definitions. */
    private static List<String> problems(Map<String, String> values) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String key = entry.getKey();
            boolean known = false;
            for (ConfigDef definition : CLIENT_DEFINITIONS) {
                if (!definition.names().contains(key)) {
                    continue;
                }
                known = true;
                // validate() reports every required key missing from a one-key map too: read only this key's result.
                for (ConfigValue result : definition.validate(Map.of(key, entry.getValue()))) {
                    if (result.name().equals(key) && !result.errorMessages().isEmpty()) {
                        // Kafka's message may quote the value: never for a secret.
                        problems.add(isSecret(key) ? "invalid value for " + key
                                : "invalid value for " + key + ": " + String.join(", ", result.errorMessages()));
                    }
                }
                break;
            }
            if (!known) {
                problems.add("unknown setting " + key + " (not a Kafka producer, consumer, admin or Streams setting)");
            }
        }
        return problems;
    }

    /** The settings, sorted by key; values unmasked (for clients only: log {@link #masked()}). */
    public Map<String, String> values() {
        return values;
    }

    /** The file the settings came from; empty for {@link #none()} and {@link #of}. */
    public Optional<Path> file() {
        return file;
    }

    /** Whether there are no settings. */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The settings with every secret value replaced by {@link #HIDDEN}, safe to log. */
    public Map<String, String> masked() {
        Map<String, String> masked = new TreeMap<>();
        values.forEach((key, value) -> masked.put(key, isSecret(key) ? HIDDEN : value));
        return Collections.unmodifiableMap(masked);
    }

    /** The SASL user name in {@code sasl.jaas.config} ({@code username="..."}), for messages about a failed login. */
    public Optional<String> saslUsername() {
        String jaas = values.get(SaslConfigs.SASL_JAAS_CONFIG);
        if (jaas == null) {
            return Optional.empty();
        }
        Matcher matcher = JAAS_USERNAME.matcher(jaas);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** Copies every setting into {@code target}, replacing what is there. */
    public void applyTo(Properties target) {
        Objects.requireNonNull(target, "target");
        target.putAll(values);
    }

    /**
     * Whether a key's value must not be logged: Kafka's password type in any client definition, or a name that says
     * password, secret or token (settings of plug-ins Kafka does not type).
     */
    static boolean isSecret(String key) {
        for (ConfigDef definition : CLIENT_DEFINITIONS) {
            ConfigDef.ConfigKey configKey = definition.configKeys().get(key);
            if (configKey != null && configKey.type == ConfigDef.Type.PASSWORD) {
                return true;
            }
        }
        String lower = key.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.contains("token")
                || lower.contains("jaas");
    }

    private static Map<String, String> refused() {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "the cluster is given with --bootstrap");
        refused.put(CommonClientConfigs.CLIENT_ID_CONFIG,
                "each service sets its own client id, which names it in broker logs and quotas");
        refused.put(StreamsConfig.APPLICATION_ID_CONFIG,
                "the Streams applications take theirs from --application-id");
        refused.put(CommonClientConfigs.GROUP_ID_CONFIG, "each service sets its own consumer group");
        return Collections.unmodifiableMap(refused);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KafkaClientProperties that && values.equals(that.values) && file.equals(that.file);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values, file);
    }

    /** The file and the masked settings: never a secret. */
    @Override
    public String toString() {
        return file.map(f -> f + " ").orElse("") + masked();
    }
}
