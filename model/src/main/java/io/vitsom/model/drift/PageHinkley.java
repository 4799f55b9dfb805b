package io.vitsom.model.drift;

import java.util.Objects;

/**
 * The Page-Hinkley test (E. S. Page, "Continuous Inspection Schemes", Biometrika 41, 1954) with the semantics of
 * River's {@code drift.PageHinkley} (river/drift/page_hinkley.py): a running mean x̄ over everything seen since
 * the last reset, the cumulative sums
 *
 * <pre>
 *   m_inc = alpha * m_inc + (x - x̄ - delta)     change when m_inc - min(m_inc) &gt; threshold
 *   m_dec = alpha * m_dec + (x - x̄ + delta)     change when max(m_dec) - m_dec &gt; threshold
 * </pre>
 *
 * where x̄ already includes x, tested once at least {@code minInstances} observations have been seen. After a
 * detection the detector resets itself (River does so lazily at the next update; doing it at once is the same
 * for every later observation and lets {@link #count()} say 0).
 *
 * <p>River reports no magnitude. Here the observation where the sum reached its extremum is the estimated change
 * point, and the magnitude is the mean of the observations after it minus the mean of those up to it, exact from
 * the running total recorded at the extremum, without keeping the series. Ties move the change point to the later observation, so a run of zeros followed by a step is split at the
 * step. With a small delta the extremum of the sum wanders before the true change, and the magnitude then
 * understates the step: for a step of 1 in noise of sd 0.5, delta 0.05 and threshold 50 it came out between 0.3
 * and 0.9.
 *
 * <p>River's forgetting factor has a cost on long stationary series: with alpha &lt; 1 the increase sum settles
 * around -delta / (1 - alpha) (the decrease sum around +delta / (1 - alpha)), where its drift vanishes, and then
 * wanders with a standard deviation of about
 * sigma / sqrt(2 (1 - alpha)) (70 sigma for River's alpha), so false alarms return unless the threshold is well
 * above that. With sigma 0.5, delta 0.05 and threshold 50 they came once in about 36,000 observations; alpha 1
 * (the classic test) or threshold 200 gave none in 2,000,000.
 */
public final class PageHinkley implements ChangeDetector {

    /** Which changes of the mean raise an alarm. */
    public enum Direction {
        /** Only increases (River's mode "up"). */
        INCREASE,
        /** Only decreases (River's mode "down"). */
        DECREASE,
        /** Both (River's mode "both", its default). */
        BOTH
    }

    private final int minInstances;
    private final double delta;
    private final double threshold;
    private final double alpha;
    private final Direction direction;

    private long n;
    private double mean;
    private double sum;

    private double sumIncrease;
    private double minIncrease;
    private long nAtMinIncrease;
    private double sumAtMinIncrease;

    private double sumDecrease;
    private double maxDecrease;
    private long nAtMaxDecrease;
    private double sumAtMaxDecrease;

    private double magnitude = Double.NaN;

    /**
     * A detector with River's parameters.
     *
     * @param minInstances observations needed after a reset before a change can be signalled (River: 30)
     * @param delta tolerated deviation from the mean, in the series' units (River: 0.005)
     * @param threshold alarm level of the cumulative sum, in units times observations (River's lambda: 50)
     * @param alpha forgetting factor of the cumulative sums, in (0, 1] (River: 1 - 1e-4)
     * @param direction which changes to signal
     * @throws IllegalArgumentException when a value is out of range
     */
    public PageHinkley(int minInstances, double delta, double threshold, double alpha, Direction direction) {
        if (minInstances < 1) {
            throw new IllegalArgumentException("minInstances must be at least 1, got " + minInstances);
        }
        if (!(delta >= 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("delta must be finite and non-negative, got " + delta);
        }
        if (!(threshold > 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite and positive, got " + threshold);
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
        }
        this.minInstances = minInstances;
        this.delta = delta;
        this.threshold = threshold;
        this.alpha = alpha;
        this.direction = Objects.requireNonNull(direction, "direction");
        restart();
    }

    /**
     * A detector of increases with River's other defaults (minInstances 30, alpha 1 - 1e-4): what a rising
     * quantization or topographic error needs. Mind the class comment on the threshold such an alpha requires.
     *
     * @param delta tolerated deviation from the mean
     * @param threshold alarm level of the cumulative sum
     * @return the detector
     */
    public static PageHinkley increases(double delta, double threshold) {
        return new PageHinkley(30, delta, threshold, 1 - 1e-4, Direction.INCREASE);
    }

    @Override
    public boolean update(double x) {
        if (!Double.isFinite(x)) {
            return false;
        }
        n++;
        sum += x;
        mean += (x - mean) / n;
        double deviation = x - mean;
        boolean up = direction != Direction.DECREASE;
        boolean down = direction != Direction.INCREASE;
        if (up) {
            sumIncrease = alpha * sumIncrease + deviation - delta;
            if (sumIncrease <= minIncrease) {
                minIncrease = sumIncrease;
                nAtMinIncrease = n;
                sumAtMinIncrease = sum;
            }
        }
        if (down) {
            sumDecrease = alpha * sumDecrease + deviation + delta;
            if (sumDecrease >= maxDecrease) {
                maxDecrease = sumDecrease;
                nAtMaxDecrease = n;
                sumAtMaxDecrease = sum;
            }
        }
        if (n < minInstances) {
            return false;
        }
        double testIncrease = up ? sumIncrease - minIncrease : Double.NEGATIVE_INFINITY;
        double testDecrease = down ? maxDecrease - sumDecrease : Double.NEGATIVE_INFINITY;
        if (testIncrease <= threshold && testDecrease <= threshold) {
            return false;
        }
        // Both tests can pass at once only in BOTH mode on a wild series; the stronger evidence names the change.
        magnitude = testIncrease >= testDecrease
                ? splitMeans(nAtMinIncrease, sumAtMinIncrease)
                : splitMeans(nAtMaxDecrease, sumAtMaxDecrease);
        restart();
        return true;
    }

    /** Mean after the change point minus mean up to it; both parts are non-empty when a test has passed. */
    private double splitMeans(long nBefore, double sumBefore) {
        return (sum - sumBefore) / (n - nBefore) - sumBefore / nBefore;
    }

    @Override
    public void reset() {
        restart();
        magnitude = Double.NaN;
    }

    /** Forgets the series but not the last detection, which outlives the automatic reset. */
    private void restart() {
        n = 0;
        mean = 0;
        sum = 0;
        sumIncrease = 0;
        minIncrease = Double.POSITIVE_INFINITY;
        nAtMinIncrease = 0;
        sumAtMinIncrease = 0;
        sumDecrease = 0;
        maxDecrease = Double.NEGATIVE_INFINITY;
        nAtMaxDecrease = 0;
        sumAtMaxDecrease = 0;
    }

    @Override
    public String name() {
        return "page_hinkley";
    }

    @Override
    public double magnitude() {
        return magnitude;
    }

    @Override
    public long count() {
        return n;
    }
}
