package io.vitsom.ingest;

import io.vitsom.model.data.ImageLimits;
import io.vitsom.stream.Topic;
import io.vitsom.stream.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link FolderWatcher} watches and how.
 *
 * @param directory the folder new images are dropped into; created when missing
 * @param pollInterval time between two looks at the folder; a file is taken once its size and modification time
 *     were the same at two consecutive looks
 * @param maxFileBytes larger files are rejected
 * @param topic where the images go
 * @param limits images above these (bytes, or pixels their header claims) are moved to {@code rejected/} as
 *     {@code too-large-image} instead of being sent
 */
public record FolderWatchConfig(Path directory, Duration pollInterval, int maxFileBytes,
                                Topic<String, byte[]> topic, ImageLimits limits) {
    /** Default time between polls. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);
    /** Default largest file: 10 MiB, the same as an HTTP upload. */
    public static final int DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

    public FolderWatchConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(limits, "limits");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, got " + pollInterval);
        }
        if (maxFileBytes <= 0) {
            throw new IllegalArgumentException("maxFileBytes must be positive, got " + maxFileBytes);
        }
    }

    /** Watches {@code directory} with the default poll interval and size limit, into the default {@code images}. */
    public static FolderWatchConfig of(Path directory) {
        return new FolderWatchConfig(directory, DEFAULT_POLL_INTERVAL, DEFAULT_MAX_FILE_BYTES,
                Topics.defaults().images(), ImageLimits.DEFAULT);
    }

    /** This config with another poll interval. */
    public FolderWatchConfig withPollInterval(Duration newPollInterval) {
        return new FolderWatchConfig(directory, newPollInterval, maxFileBytes, topic, limits);
    }

    /** This config with another size limit. */
    public FolderWatchConfig withMaxFileBytes(int newMaxFileBytes) {
        return new FolderWatchConfig(directory, pollInterval, newMaxFileBytes, topic, limits);
    }

    /** This config writing to another topic. */
    public FolderWatchConfig withTopic(Topic<String, byte[]> newTopic) {
        return new FolderWatchConfig(directory, pollInterval, maxFileBytes, newTopic, limits);
    }

    /** This config with other image limits. */
    public FolderWatchConfig withLimits(ImageLimits newLimits) {
        return new FolderWatchConfig(directory, pollInterval, maxFileBytes, topic, newLimits);
    }
}
