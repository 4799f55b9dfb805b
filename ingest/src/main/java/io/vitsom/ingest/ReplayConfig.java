package io.vitsom.ingest;

import io.vitsom.stream.Topic;
import io.vitsom.stream.Topics;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link ReplayProducer} sends and how fast.
 *
 * @param split which part of the dataset to send
 * @param limit send only the first {@code limit} images of the split (per pass when looping); 0 sends all
 * @param rate images per second; 0 sends as fast as the broker acknowledges
 * @param loop start over after the last image, until stopped
 * @param topic where the images go
 * @param progressInterval how often progress is logged
 */
public record ReplayConfig(Split split, int limit, double rate, boolean loop, Topic<String, byte[]> topic,
                           Duration progressInterval) {
    /** Default time between progress lines. */
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(5);

    public ReplayConfig {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(progressInterval, "progressInterval");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0 (0 = the whole split), got " + limit);
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate must be a finite number of images/s >= 0 (0 = as fast as "
                    + "possible), got " + rate);
        }
        if (progressInterval.isNegative() || progressInterval.isZero()) {
            throw new IllegalArgumentException("progressInterval must be positive, got " + progressInterval);
        }
    }

    /** The whole training split, as fast as possible, once, to the default {@code images} topic. */
    public static ReplayConfig defaults() {
        return new ReplayConfig(Split.TRAIN, 0, 0, false, Topics.defaults().images(), DEFAULT_PROGRESS_INTERVAL);
    }

    /** This config with another split. */
    public ReplayConfig withSplit(Split newSplit) {
        return new ReplayConfig(newSplit, limit, rate, loop, topic, progressInterval);
    }

    /** This config with another limit (0 = all). */
    public ReplayConfig withLimit(int newLimit) {
        return new ReplayConfig(split, newLimit, rate, loop, topic, progressInterval);
    }

    /** This config with another rate in images/s (0 = unlimited). */
    public ReplayConfig withRate(double newRate) {
        return new ReplayConfig(split, limit, newRate, loop, topic, progressInterval);
    }

    /** This config looping or not. */
    public ReplayConfig withLoop(boolean newLoop) {
        return new ReplayConfig(split, limit, rate, newLoop, topic, progressInterval);
    }

    /** This config writing to another topic. */
    public ReplayConfig withTopic(Topic<String, byte[]> newTopic) {
        return new ReplayConfig(split, limit, rate, loop, newTopic, progressInterval);
    }

    /** Which images of a dataset to replay. */
    public enum Split {
        /** The training split. */
        TRAIN,
        /** The test split (an error for datasets without one). */
        TEST,
        /** The training split, then the test split when there is one. */
        ALL;

        /**
         * Parses {@code train}, {@code test} or {@code all} (any case).
         *
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Split parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "train" -> TRAIN;
                case "test" -> TEST;
                case "all" -> ALL;
                default -> throw new IllegalArgumentException("split must be train, test or all, got '" + text + "'");
            };
        }
    }
}
