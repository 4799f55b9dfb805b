package io.vitsom.model.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * Decides whether an image's BMU distance is far above the recent distribution of distances, so the learner
 * can quarantine it instead of training on it.
 *
 * <p>The gate keeps the last {@code window} distances passed to {@link #observe} in a ring buffer. Once
 * {@code warmup} distances were observed, the threshold is {@code factor} times the {@code quantile} quantile
 * of the buffer (linear interpolation between order statistics, numpy's default). The caller should observe
 * only the distances of images it did not quarantine: a burst of junk then never raises the threshold that
 * is supposed to catch it.
 *
 * <p>Sorting the buffer for every image would be wasteful, so the threshold is cached: it is recomputed when
 * the warm-up completes and then after every 64 further observations, in
 * {@link #observe}. Between recomputations it lags the buffer by at most that many distances. Because the
 * schedule depends only on the number of observations, two gates fed the same distances always agree, and
 * {@link #toJson()} saves the cached value with the buffer. Not thread-safe.
 */
public final class NoveltyGate {

    /** How many observations the cached threshold may lag behind. */
    static final int RECOMPUTE_EVERY = 64;

    private final double quantile;
    private final double factor;
    private final int window;
    private final int warmup;
    private final double[] buffer;
    private int position;
    private long observed;
    private double threshold = Double.NaN;

    /**
     * Creates a gate that is warming up.
     *
     * @param quantile the quantile of recent distances the threshold builds on, in (0, 1)
     * @param factor   how many times that quantile a distance must exceed to be novel, at least 1
     * @param window   how many recent distances to keep, at least {@code warmup}
     * @param warmup   how many distances to observe before judging any, at least 1
     * @throws IllegalArgumentException if an argument is out of range
     */
    public NoveltyGate(double quantile, double factor, int window, int warmup) {
        if (!(quantile > 0 && quantile < 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1), got " + quantile);
        }
        if (!(factor >= 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor must be finite and at least 1, got " + factor);
        }
        if (warmup < 1) {
            throw new IllegalArgumentException("warmup must be at least 1, got " + warmup);
        }
        if (window < warmup) {
            throw new IllegalArgumentException("window must be at least warmup (" + warmup + "), got " + window);
        }
        this.quantile = quantile;
        this.factor = factor;
        this.window = window;
        this.warmup = warmup;
        this.buffer = new double[window];
    }

    /**
     * The current threshold: {@code factor} times the {@code quantile} quantile of the buffer as of the last
     * recomputation (see the class comment).
     *
     * @return the threshold, or NaN while warming up
     */
    public double threshold() {
        return threshold;
    }

    /**
     * Whether a distance is novel: above the threshold, or NaN (a broken input) once the gate is warm.
     *
     * @param distance the image's BMU distance
     * @return {@code false} while warming up
     */
    public boolean isNovel(double distance) {
        if (Double.isNaN(threshold)) {
            return false;
        }
        return Double.isNaN(distance) || distance > threshold;
    }

    /**
     * Adds a distance to the buffer, dropping the oldest when it is full. Observe only the distances of images
     * that were not quarantined, so a burst of outliers does not raise the threshold. Non-finite distances
     * come from broken inputs and are ignored (not counted).
     *
     * @param distance the BMU distance of an accepted image
     */
    public void observe(double distance) {
        if (!Double.isFinite(distance)) {
            return;
        }
        buffer[position] = distance;
        position = position + 1 == window ? 0 : position + 1;
        observed++;
        if (observed >= warmup && (observed - warmup) % RECOMPUTE_EVERY == 0) {
            refreshThreshold();
        }
    }

    /**
     * The number of distances observed so far (not capped by the window).
     *
     * @return the count
     */
    public long observed() {
        return observed;
    }

    /** Recomputes the cached threshold from the buffer now; a no-op while warming up. */
    void refreshThreshold() {
        if (observed < warmup) {
            return;
        }
        int n = (int) Math.min(observed, window);
        double[] sorted = Arrays.copyOf(buffer, n);
        Arrays.sort(sorted);
        threshold = factor * quantileOfSorted(sorted, quantile);
    }

    /** numpy's default ("linear") quantile of an ascending, non-empty array. */
    static double quantileOfSorted(double[] sorted, double q) {
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * The gate's full state: parameters, the filled part of the buffer, its write position, the observation
     * count and the cached threshold (absent while warming up).
     *
     * @return a new JSON object
     */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("quantile", quantile);
        node.put("factor", factor);
        node.put("window", window);
        node.put("warmup", warmup);
        node.put("observed", observed);
        node.put("position", position);
        if (!Double.isNaN(threshold)) {
            node.put("threshold", threshold);
        }
        ArrayNode values = node.putArray("buffer");
        for (int i = 0, n = (int) Math.min(observed, window); i < n; i++) {
            values.add(buffer[i]);
        }
        return node;
    }

    /**
     * Restores a gate saved by {@link #toJson()}; it makes exactly the same decisions as the saved one.
     *
     * @param node the saved state
     * @return the restored gate
     * @throws IllegalArgumentException if the state is missing a field or inconsistent
     */
    public static NoveltyGate fromJson(JsonNode node) {
        NoveltyGate g = new NoveltyGate(number(node, "quantile").doubleValue(), number(node, "factor").doubleValue(),
                number(node, "window").intValue(), number(node, "warmup").intValue());
        long observed = number(node, "observed").longValue();
        int position = number(node, "position").intValue();
        JsonNode values = node.get("buffer");
        if (values == null || !values.isArray()) {
            throw new IllegalArgumentException("novelty gate state has no array 'buffer'");
        }
        int filled = (int) Math.min(Math.max(observed, 0), g.window);
        if (observed < 0 || values.size() != filled || position != observed % g.window) {
            throw new IllegalArgumentException("inconsistent novelty gate state: observed " + observed
                    + ", position " + position + ", " + values.size() + " buffered values, window " + g.window);
        }
        for (int i = 0; i < filled; i++) {
            g.buffer[i] = values.get(i).doubleValue();
        }
        g.observed = observed;
        g.position = position;
        if (observed >= g.warmup) {
            g.threshold = number(node, "threshold").doubleValue();
        }
        return g;
    }

    private static JsonNode number(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("novelty gate state has no number '" + field + "'");
        }
        return v;
    }
}
