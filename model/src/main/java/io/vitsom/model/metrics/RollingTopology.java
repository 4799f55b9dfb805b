package io.vitsom.model.metrics;

import io.vitsom.model.som.SomGrid;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * SOM topology statistics over a rolling window of the most recent assignments: what drift monitoring watches
 * while the map keeps learning. Each assignment is (BMU, second BMU, BMU distance, label or none). Thread-safe:
 * the serving thread adds while a metrics scrape or the dashboard takes snapshots.
 *
 * <p>Definitions as in {@link TopologyMetrics}: quantization error = mean BMU distance (in the model's own
 * distance); topographic error = share of images whose first and second BMU are not grid neighbours (4 on square
 * grids, 6 on hexagonal ones), and the 8-neighbour variant; dead units = share of units without a hit in the
 * window; hit entropy = natural-log entropy of the hit distribution; purity and NMI over the labelled images of
 * the window (NaN when none has a label).
 */
public final class RollingTopology {
    /** Second BMU not known (e.g. a training-time record): the image counts for everything but the topographic errors. */
    public static final int UNKNOWN = -1;

    private final SomGrid grid;
    private final int capacity;
    private final int[] units;
    private final int[] seconds;
    private final double[] distances;
    private final String[] labels;
    private final int[] hits;
    private int next;
    private int size;
    private long total;

    /**
     * @param grid the map
     * @param capacity how many of the most recent assignments the window holds
     */
    public RollingTopology(SomGrid grid, int capacity) {
        this.grid = Objects.requireNonNull(grid, "grid");
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.units = new int[capacity];
        this.seconds = new int[capacity];
        this.distances = new double[capacity];
        this.labels = new String[capacity];
        this.hits = new int[grid.units()];
    }

    /** The map this window measures. */
    public SomGrid grid() {
        return grid;
    }

    /**
     * Adds one assignment, evicting the oldest when the window is full.
     *
     * @param unit the BMU
     * @param secondUnit the second BMU, or {@link #UNKNOWN}
     * @param distance distance to the BMU
     * @param label the image's label, or {@code null}
     */
    public synchronized void add(int unit, int secondUnit, double distance, String label) {
        checkUnit(unit, "unit");
        if (secondUnit != UNKNOWN) {
            checkUnit(secondUnit, "secondUnit");
        }
        if (size == capacity) {
            hits[units[next]]--;
        } else {
            size++;
        }
        units[next] = unit;
        seconds[next] = secondUnit;
        distances[next] = distance;
        labels[next] = label;
        hits[unit]++;
        next = (next + 1) % capacity;
        total++;
    }

    private void checkUnit(int unit, String name) {
        if (unit < 0 || unit >= grid.units()) {
            throw new IllegalArgumentException(name + " " + unit + " is not a unit of the " + grid + " map");
        }
    }

    /** Drops every assignment (a new model makes the old assignments meaningless for some statistics). */
    public synchronized void clear() {
        java.util.Arrays.fill(hits, 0);
        java.util.Arrays.fill(labels, null);
        next = 0;
        size = 0;
    }

    /**
     * The statistics of the window.
     *
     * @param images assignments in the window
     * @param totalImages assignments ever added
     * @param quantizationError mean BMU distance (NaN when empty)
     * @param topographicError share with first and second BMU not adjacent, over images with a known second BMU
     *     (NaN when there is none)
     * @param topographicError8 the same with the 8-neighbourhood
     * @param deadUnitShare share of units without a hit
     * @param hitEntropy natural-log entropy of the hits (NaN when empty)
     * @param purity purity over the labelled images (NaN when none)
     * @param nmi NMI over the labelled images (NaN when none)
     * @param hits hits per unit
     * @param majorityLabels most frequent label per unit among labelled images, {@code null} for a unit without one
     */
    public record Snapshot(int images, long totalImages, double quantizationError, double topographicError,
                           double topographicError8, double deadUnitShare, double hitEntropy, double purity,
                           double nmi, int[] hits, String[] majorityLabels) {
    }

    /** Computes the statistics of the current window. */
    public synchronized Snapshot snapshot() {
        double qe = 0;
        int known = 0;
        int te = 0;
        int te8 = 0;
        int labelled = 0;
        for (int i = 0; i < size; i++) {
            qe += distances[i];
            if (seconds[i] != UNKNOWN) {
                known++;
                if (!grid.adjacent(units[i], seconds[i])) {
                    te++;
                }
                if (!grid.adjacent8(units[i], seconds[i])) {
                    te8++;
                }
            }
            if (labels[i] != null) {
                labelled++;
            }
        }
        int[] clusters = new int[labelled];
        int[] classes = new int[labelled];
        Map<String, Integer> classIds = new HashMap<>();
        String[] classNames = new String[size];
        int j = 0;
        for (int i = 0; i < size; i++) {
            if (labels[i] != null) {
                clusters[j] = units[i];
                int id = classIds.computeIfAbsent(labels[i], l -> classIds.size());
                classNames[id] = labels[i];
                classes[j++] = id;
            }
        }
        String[] majority = new String[grid.units()];
        if (labelled > 0) {
            int[] ids = ClusteringMetrics.majorityLabels(clusters, classes, grid.units());
            for (int u = 0; u < ids.length; u++) {
                majority[u] = ids[u] < 0 ? null : classNames[ids[u]];
            }
        }
        int[] hitsCopy = hits.clone();
        return new Snapshot(size, total,
                size == 0 ? Double.NaN : qe / size,
                known == 0 ? Double.NaN : (double) te / known,
                known == 0 ? Double.NaN : (double) te8 / known,
                TopologyMetrics.deadUnitShare(hitsCopy),
                TopologyMetrics.hitEntropy(hitsCopy),
                labelled == 0 ? Double.NaN : ClusteringMetrics.purity(clusters, classes),
                labelled == 0 ? Double.NaN : ClusteringMetrics.nmi(clusters, classes),
                hitsCopy, majority);
    }
}
