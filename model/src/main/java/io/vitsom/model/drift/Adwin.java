package io.vitsom.model.drift;

import java.util.ArrayList;
import java.util.List;

/**
 * ADWIN2, adaptive windowing (A. Bifet and R. Gavaldà, "Learning from Time-Changing Data with Adaptive Windowing",
 * SDM 2007): a window of recent observations, compressed into an exponential histogram, that drops its oldest part
 * whenever some split of it into an old and a recent part has means further apart than a Hoeffding-type bound
 * allows. The window's mean is then the current level of the series and its width how long that level has held.
 *
 * <p>This is a port of River's {@code drift.ADWIN} as of 0.22 ({@code river/drift/adwin_c.pyx}, the version made to
 * comply with MOA's {@code ADWIN.java}): the same buckets, the same clock, grace period and minimum sub-window
 * length, and the same cut test. A detection drops the old part of the window, which is ADWIN's own reset:
 * {@link #update} returns true and the window keeps the recent part. Only {@link #reset()} empties it.
 *
 * <p>The {@link #magnitude()} of a detection is the shift of the mean across the least-squares change point of the
 * window as it was when the change was found (before anything is dropped), not the kept part's mean minus the
 * dropped part's: the cut falls on bucket boundaries that are coarse near the change, so the kept part still holds
 * old observations and that difference came out at about half the true step on a Bernoulli 0.2 to 0.8 series.
 *
 * <p>{@link #count()} counts the observations since construction or {@link #reset()}; {@link #width()} is the
 * number of them still in the window.
 */
public final class Adwin implements ChangeDetector {
    private final double delta;
    private final int clock;
    private final int maxBuckets;
    private final int minWindowLength;
    private final int gracePeriod;

    /** Row i holds buckets of 2^i observations, oldest first; row 0 is the newest and finest. */
    private final List<Row> rows = new ArrayList<>();
    private long width;
    private double total;
    /** Sum of squared deviations from the window's mean, not divided by the width (River's {@code variance}). */
    private double variance;
    private long tick;

    private double magnitude = Double.NaN;

    /**
     * An empty window with River's parameters.
     *
     * @param delta confidence: the bound on the probability of a false cut, in (0, 1) (River: 0.002)
     * @param clock the cut test runs every this many observations (River: 32)
     * @param maxBuckets buckets of each size kept before two are merged, at least 1 (River: 5)
     * @param minWindowLength the least number of observations in each side of a cut, at least 1 (River: 5)
     * @param gracePeriod no test while the window holds this many observations or fewer (River: 10)
     * @throws IllegalArgumentException when a value is out of range
     */
    public Adwin(double delta, int clock, int maxBuckets, int minWindowLength, int gracePeriod) {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
        if (clock < 1) {
            throw new IllegalArgumentException("clock must be at least 1, got " + clock);
        }
        if (maxBuckets < 1) {
            throw new IllegalArgumentException("maxBuckets must be at least 1, got " + maxBuckets);
        }
        if (minWindowLength < 1) {
            throw new IllegalArgumentException("minWindowLength must be at least 1, got " + minWindowLength);
        }
        if (gracePeriod < 0) {
            throw new IllegalArgumentException("gracePeriod must not be negative, got " + gracePeriod);
        }
        this.delta = delta;
        this.clock = clock;
        this.maxBuckets = maxBuckets;
        this.minWindowLength = minWindowLength;
        this.gracePeriod = gracePeriod;
        rows.add(new Row(maxBuckets));
    }

    /**
     * River's and MOA's defaults: delta 0.002, clock 32, maxBuckets 5, minWindowLength 5, gracePeriod 10.
     *
     * @return the detector
     */
    public static Adwin defaults() {
        return new Adwin(0.002, 32, 5, 5, 10);
    }

    @Override
    public boolean update(double x) {
        if (!Double.isFinite(x)) {
            return false;
        }
        insert(x);
        tick++;
        if (tick % clock != 0 || width <= gracePeriod) {
            return false;
        }
        if (!findCut()) {
            return false;
        }
        magnitude = bestSplitShift();
        // After each cut the oldest bucket goes and the whole scan starts again, as in River, so the window
        // shrinks bucket by bucket until no split of it is significant.
        do {
            deleteOldest();
        } while (findCut());
        return true;
    }

    /** River's {@code _insert_element}: the new observation becomes a bucket of its own in row 0. */
    private void insert(double x) {
        rows.get(0).add(x, 0);
        width++;
        if (width > 1) {
            double previousMean = total / (width - 1);
            variance += (width - 1) * (x - previousMean) * (x - previousMean) / width;
        }
        total += x;
        compress();
    }

    /** River's {@code _compress_buckets}: a row over capacity merges its two oldest buckets into the next row. */
    private void compress() {
        for (int idx = 0; idx < rows.size(); idx++) {
            Row row = rows.get(idx);
            if (row.size != maxBuckets + 1) {
                return;
            }
            if (idx + 1 == rows.size()) {
                rows.add(new Row(maxBuckets));
            }
            Row next = rows.get(idx + 1);
            double n = bucketSize(idx);
            double mu1 = row.totals[0] / n;
            double mu2 = row.totals[1] / n;
            // Chan et al.'s pairwise update with equal counts: n1 n2 / (n1 + n2) = n / 2.
            double merged = row.variances[0] + row.variances[1] + n / 2 * (mu1 - mu2) * (mu1 - mu2);
            next.add(row.totals[0] + row.totals[1], merged);
            row.dropOldest(2);
            if (next.size <= maxBuckets) {
                return;
            }
        }
    }

    /**
     * River's {@code _detect_change} scan: walks the bucket boundaries from the oldest, W0 being everything before
     * the boundary and W1 everything after it, and stops at the first boundary where the cut test holds. The last
     * boundary (W1 empty) is never tested. River also tracks the sub-windows' variances here but its cut test uses
     * the whole window's, so they are not kept.
     */
    private boolean findCut() {
        double n0 = 0;
        double n1 = width;
        double u0 = 0;
        double u1 = total;
        for (int idx = rows.size() - 1; idx >= 0; idx--) {
            Row row = rows.get(idx);
            double size = bucketSize(idx);
            for (int k = 0; k < row.size; k++) {
                n0 += size;
                n1 -= size;
                u0 += row.totals[k];
                u1 -= row.totals[k];
                if (idx == 0 && k == row.size - 1) {
                    return false;
                }
                if (n0 >= minWindowLength && n1 >= minWindowLength && cutHolds(n0, n1, u0 / n0 - u1 / n1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * River's {@code _evaluate_cut}: with delta' = delta / ln(width) and the harmonic-like
     * 1/m = 1/(n0 - minWindowLength + 1) + 1/(n1 - minWindowLength + 1), the means differ significantly when
     * |mu0 - mu1| &gt; sqrt(2/m * var * ln(2/delta')) + 2/3 * ln(2/delta') / m, var being the window's variance.
     * (MOA's test is the same; only its sub-window condition, n0 and n1 &gt; minWindowLength + 1, is stricter.)
     */
    private boolean cutHolds(double n0, double n1, double deltaMean) {
        double logTerm = Math.log(2 * Math.log(width) / delta);
        double mRecip = 1.0 / (n0 - minWindowLength + 1) + 1.0 / (n1 - minWindowLength + 1);
        double epsilon = Math.sqrt(2 * mRecip * windowVariance() * logTerm) + 2.0 / 3.0 * logTerm * mRecip;
        return Math.abs(deltaMean) > epsilon;
    }

    /**
     * The least-squares change point of the window at detection: over the bucket boundaries that leave at least
     * minWindowLength observations on either side, the one maximising n0 n1 / (n0 + n1) (mu1 - mu0)^2, and the
     * shift mu1 - mu0 across it. Kept-minus-dropped would understate the change by about half, because the part
     * ADWIN keeps still holds old observations in the coarse buckets next to the change point.
     */
    private double bestSplitShift() {
        double n0 = 0;
        double u0 = 0;
        double bestScore = -1;
        double bestShift = Double.NaN;
        for (int idx = rows.size() - 1; idx >= 0; idx--) {
            Row row = rows.get(idx);
            double size = bucketSize(idx);
            for (int k = 0; k < row.size; k++) {
                n0 += size;
                u0 += row.totals[k];
                double n1 = width - n0;
                if (n0 < minWindowLength || n1 < minWindowLength) {
                    continue;
                }
                double shift = (total - u0) / n1 - u0 / n0;
                double score = n0 * n1 / (n0 + n1) * shift * shift;
                if (score > bestScore) {
                    bestScore = score;
                    bestShift = shift;
                }
            }
        }
        return bestShift;
    }

    /** River's {@code _delete_element}: drops the oldest bucket and takes it out of the window's statistics. */
    private void deleteOldest() {
        int lastIdx = rows.size() - 1;
        Row last = rows.get(lastIdx);
        long n = 1L << lastIdx;
        double u = last.totals[0];
        double mu = u / n;
        width -= n;
        total -= u;
        double muWindow = total / width;
        variance -= last.variances[0] + n * width * (mu - muWindow) * (mu - muWindow) / (n + width);
        last.dropOldest(1);
        // With maxBuckets 1 a merge can leave a row empty, so more than one row may have to go.
        while (rows.size() > 1 && rows.get(rows.size() - 1).size == 0) {
            rows.remove(rows.size() - 1);
        }
    }

    private static double bucketSize(int row) {
        return Math.scalb(1.0, row);
    }

    /** Rounding in the incremental updates can leave a constant window's variance a hair below zero. */
    private double windowVariance() {
        return Math.max(0, variance / width);
    }

    @Override
    public void reset() {
        rows.clear();
        rows.add(new Row(maxBuckets));
        width = 0;
        total = 0;
        variance = 0;
        tick = 0;
        magnitude = Double.NaN;
    }

    @Override
    public String name() {
        return "adwin";
    }

    /**
     * The shift of the mean across the least-squares change point of the window at the last detection (see the
     * class comment).
     *
     * @return the change; NaN before any detection
     */
    @Override
    public double magnitude() {
        return magnitude;
    }

    @Override
    public long count() {
        return tick;
    }

    /**
     * Whether the last detected change raised the mean.
     *
     * @return true when the last detection's magnitude is positive; false before any detection
     */
    public boolean lastChangeWasIncrease() {
        return magnitude > 0;
    }

    /**
     * The mean of the current window: the series' current level.
     *
     * @return the mean; NaN while the window is empty
     */
    public double estimation() {
        return width == 0 ? Double.NaN : total / width;
    }

    /**
     * Observations in the current window.
     *
     * @return the window's width
     */
    public long width() {
        return width;
    }

    /**
     * The population variance of the current window (River's and MOA's {@code variance / width}).
     *
     * @return the variance; NaN while the window is empty
     */
    public double variance() {
        return width == 0 ? Double.NaN : windowVariance();
    }

    /** One row of the exponential histogram: up to maxBuckets + 1 buckets (the extra one is merged at once). */
    private static final class Row {
        final double[] totals;
        final double[] variances;
        int size;

        Row(int maxBuckets) {
            totals = new double[maxBuckets + 1];
            variances = new double[maxBuckets + 1];
        }

        void add(double bucketTotal, double bucketVariance) {
            totals[size] = bucketTotal;
            variances[size] = bucketVariance;
            size++;
        }

        void dropOldest(int k) {
            System.arraycopy(totals, k, totals, 0, size - k);
            System.arraycopy(variances, k, variances, 0, size - k);
            size -= k;
        }
    }
}
