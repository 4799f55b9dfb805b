package io.vitsom.model.drift;

/**
 * An online detector of changes in the mean of a real-valued series, fed one observation at a time.
 *
 * <p>Non-finite observations (NaN, infinities) are ignored: {@link #update} returns {@code false} and they are not
 * counted, so a metric that is momentarily undefined (an empty window, a division by zero upstream) cannot raise or
 * mask an alarm. Implementations are not thread-safe.
 */
public interface ChangeDetector {
    /**
     * Adds one observation.
     *
     * @param x the observation; ignored when not finite
     * @return true when a change is detected at this observation (the detector then resets itself, as River's do)
     */
    boolean update(double x);

    /** Forgets everything seen, the last detection included. */
    void reset();

    /**
     * Short name for events and metrics.
     *
     * @return {@code "page_hinkley"} or {@code "adwin"}
     */
    String name();

    /**
     * Size of the last detected change in the series' own units.
     *
     * @return new mean minus old mean (positive = increase); NaN before any detection
     */
    double magnitude();

    /**
     * Observations seen since the last reset.
     *
     * @return the number of finite observations added since the last reset
     */
    long count();
}
