package io.vitsom.ingest;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What a replay did.
 *
 * @param sent images the broker acknowledged
 * @param failed images the broker did not acknowledge (the replay stops at the first one)
 * @param elapsed wall time from the first send to the last acknowledgement
 */
public record ReplaySummary(long sent, long failed, Duration elapsed) {
    public ReplaySummary {
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** Acknowledged images per second over {@link #elapsed}. */
    public double imagesPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds > 0 ? sent / seconds : 0;
    }

    /** One line for the console, e.g. {@code replayed 1000 images in 2.3 s (435 images/s)}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "replayed %d images in %.1f s (%.0f images/s)%s", sent,
                elapsed.toNanos() / 1e9, imagesPerSecond(), failed > 0 ? ", " + failed + " failed" : "");
    }
}
