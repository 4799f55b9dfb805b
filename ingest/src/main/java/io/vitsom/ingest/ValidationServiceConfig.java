package io.vitsom.ingest;

import io.vitsom.stream.Topics;
import io.vitsom.stream.ValidationConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link ValidationService} runs.
 *
 * @param applicationId the Kafka Streams application id (consumer group and internal-topic prefix); instances
 *     with the same id share the work
 * @param validation the model's input spec and the allowed conversions
 * @param topics input, valid-output and dead-letter topics (the others are created too, but not used)
 * @param startTimeout how long {@link ValidationService#start()} waits for the broker and for the RUNNING state
 * @param closeTimeout how long {@link ValidationService#close()} waits for a clean shutdown
 * @param stateDir Kafka Streams' state directory; empty for its default ({@code java.io.tmpdir}/kafka-streams)
 */
public record ValidationServiceConfig(String applicationId, ValidationConfig validation, Topics topics,
                                      Duration startTimeout, Duration closeTimeout, Optional<Path> stateDir) {
    /** Default application id. */
    public static final String DEFAULT_APPLICATION_ID = "vitsom-validation";
    /** Default start-up wait. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    /** Default shutdown wait. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    public ValidationServiceConfig {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        Objects.requireNonNull(stateDir, "stateDir");
        if (applicationId.isBlank()) {
            throw new IllegalArgumentException("applicationId must not be blank");
        }
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive, got " + startTimeout);
        }
        if (closeTimeout.isNegative()) {
            throw new IllegalArgumentException("closeTimeout must be >= 0, got " + closeTimeout);
        }
    }

    /** Validation against {@code validation} with the default id, topics and timeouts. */
    public static ValidationServiceConfig of(ValidationConfig validation) {
        return new ValidationServiceConfig(DEFAULT_APPLICATION_ID, validation, Topics.defaults(),
                DEFAULT_START_TIMEOUT, DEFAULT_CLOSE_TIMEOUT, Optional.empty());
    }

    /** This config with another application id. */
    public ValidationServiceConfig withApplicationId(String newApplicationId) {
        return new ValidationServiceConfig(newApplicationId, validation, topics, startTimeout, closeTimeout, stateDir);
    }

    /** This config with other topics. */
    public ValidationServiceConfig withTopics(Topics newTopics) {
        return new ValidationServiceConfig(applicationId, validation, newTopics, startTimeout, closeTimeout, stateDir);
    }

    /** This config with another start-up wait. */
    public ValidationServiceConfig withStartTimeout(Duration newStartTimeout) {
        return new ValidationServiceConfig(applicationId, validation, topics, newStartTimeout, closeTimeout, stateDir);
    }

    /** This config with a state directory. */
    public ValidationServiceConfig withStateDir(Path newStateDir) {
        return new ValidationServiceConfig(applicationId, validation, topics, startTimeout, closeTimeout,
                Optional.of(newStateDir));
    }
}
