package io.vitsom.model.drift;

/**
 * A change detected in one of the map's signals.
 *
 * @param series the signal: {@link MapSignalMonitor.Series#key()}
 * @param detector {@code page_hinkley} or {@code adwin}
 * @param magnitude how far the signal moved, in its own units (new level minus old; positive = worse)
 * @param detectedAtImages fresh images seen when it was detected
 */
public record DriftEvent(String series, String detector, double magnitude, long detectedAtImages) {
}
