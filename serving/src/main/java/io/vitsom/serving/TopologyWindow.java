package io.vitsom.serving;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vitsom.model.metrics.RollingTopology;
import io.vitsom.model.som.SomGrid;
import io.vitsom.stream.Messages;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Map-quality gauges over the most recent images the stream path assigned: a {@link RollingTopology} of the last
 * {@link #capacity()} assignments of the Kafka Streams application, exported as (Prometheus names)
 *
 * <ul>
 *   <li>{@value #QUANTIZATION_ERROR}: mean BMU distance, in the model's own distance</li>
 *   <li>{@value #TOPOGRAPHIC_ERROR}: share of images whose first and second BMU are not grid neighbours (4 on square
 *       maps, 6 on hexagonal ones); {@value #TOPOGRAPHIC_ERROR_8} the same with the 8-neighbourhood</li>
 *   <li>{@value #DEAD_UNITS_RATIO}: share of units without a hit in the window</li>
 *   <li>{@value #HIT_ENTROPY}: natural-log entropy of the BMU hits ({@code ln(units)} at most)</li>
 *   <li>{@value #PURITY}, {@value #NMI}: over the labelled images of the window (NaN when none has a label)</li>
 *   <li>{@value #WINDOW_IMAGES}: images in the window</li>
 * </ul>
 *
 * <p>Only the stream path feeds the window ({@link AssignmentTopology}): ad-hoc {@code POST /v1/assign} queries would
 * bias it toward whatever clients ask about. Before the first assignment every gauge but {@value #WINDOW_IMAGES}
 * (0) is NaN. The window spans model versions as long as the map keeps its size and topology, since drift across
 * versions is what it watches; an assignment by a newer model with another map replaces it with an empty one (and
 * late assignments of an older model with the replaced map are left out).
 *
 * <p>The statistics are computed when a gauge is read, from one snapshot of the window that is reused for
 * {@link #SNAPSHOT_MAX_AGE}, so a scrape of all the gauges walks the window once. Thread-safe: stream threads add
 * while the scraping thread reads.
 */
public final class TopologyWindow implements MeterBinder {
    /** Prometheus name of the quantization-error gauge. */
    public static final String QUANTIZATION_ERROR = "vitsom_som_quantization_error";
    /** Prometheus name of the topographic-error gauge (4 neighbours on square maps, 6 on hexagonal ones). */
    public static final String TOPOGRAPHIC_ERROR = "vitsom_som_topographic_error";
    /** Prometheus name of the 8-neighbour topographic-error gauge. */
    public static final String TOPOGRAPHIC_ERROR_8 = "vitsom_som_topographic_error_8";
    /** Prometheus name of the dead-unit-share gauge. */
    public static final String DEAD_UNITS_RATIO = "vitsom_som_dead_units_ratio";
    /** Prometheus name of the hit-entropy gauge. */
    public static final String HIT_ENTROPY = "vitsom_som_hit_entropy";
    /** Prometheus name of the purity gauge. */
    public static final String PURITY = "vitsom_som_purity";
    /** Prometheus name of the NMI gauge. */
    public static final String NMI = "vitsom_som_nmi";
    /** Prometheus name of the gauge of images in the window. */
    public static final String WINDOW_IMAGES = "vitsom_som_window_images";
    /** How long one snapshot of the window answers the gauges. */
    public static final Duration SNAPSHOT_MAX_AGE = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(TopologyWindow.class);

    private final int capacity;
    private final LongSupplier nanoTime;
    /** The window and the version of the model that opened it; replaced together under {@code this}. */
    private volatile Current current;
    private final Object snapshotLock = new Object();
    private Current snapshotOf;
    private RollingTopology.Snapshot snapshot;
    private long snapshotAtNanos;

    private record Current(RollingTopology window, long openedByVersion) {
    }

    /**
     * An empty window.
     *
     * @param capacity how many of the most recent assignments the gauges cover
     * @throws IllegalArgumentException when {@code capacity} is not positive
     */
    public TopologyWindow(int capacity) {
        this(capacity, System::nanoTime);
    }

    /** An empty window reading time (for the snapshot's age) from {@code nanoTime}. */
    TopologyWindow(int capacity, LongSupplier nanoTime) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** How many of the most recent assignments the gauges cover. */
    public int capacity() {
        return capacity;
    }

    /**
     * Adds one assignment of the stream path, evicting the oldest when the window is full.
     *
     * @param grid the map of the model that assigned it
     * @param bmu the assignment as written to {@code som.assignments}
     */
    public void add(SomGrid grid, Messages.Bmu bmu) {
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(bmu, "bmu");
        RollingTopology window = windowFor(grid, bmu.modelVersion());
        if (window != null) {
            window.add(bmu.unit(), bmu.secondUnit() == null ? RollingTopology.UNKNOWN : bmu.secondUnit(),
                    bmu.distance(), bmu.label());
        }
    }

    /** The window for assignments on {@code grid} by model {@code version}; null when they are stale. */
    private RollingTopology windowFor(SomGrid grid, long version) {
        Current seen = current;
        if (seen != null && sameMap(seen.window().grid(), grid)) {
            return seen.window();
        }
        synchronized (this) {
            seen = current;
            if (seen != null && sameMap(seen.window().grid(), grid)) {
                return seen.window();
            }
            if (seen != null && version < seen.openedByVersion()) {
                // A batch of an older model finishing after a newer model with another map took over.
                return null;
            }
            if (seen != null) {
                LOG.info("model version {} has a {} map instead of {}: the topology window starts again", version,
                        grid, seen.window().grid());
            }
            current = new Current(new RollingTopology(grid, capacity), version);
            return current.window();
        }
    }

    private static boolean sameMap(SomGrid a, SomGrid b) {
        return a.rows() == b.rows() && a.cols() == b.cols() && a.topology() == b.topology();
    }

    /**
     * The statistics of the window, at most {@link #SNAPSHOT_MAX_AGE} old (fresh after the window was replaced).
     *
     * @return empty before the first assignment
     */
    public Optional<RollingTopology.Snapshot> snapshot() {
        synchronized (snapshotLock) {
            Current now = current;
            long time = nanoTime.getAsLong();
            if (now != snapshotOf || snapshot == null || time - snapshotAtNanos >= SNAPSHOT_MAX_AGE.toNanos()) {
                snapshotOf = now;
                snapshot = now == null ? null : now.window().snapshot();
                snapshotAtNanos = time;
            }
            return Optional.ofNullable(snapshot);
        }
    }

    /** Registers the {@code vitsom_som_*} gauges of this window. */
    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, QUANTIZATION_ERROR, "Mean distance from an image to its BMU over the window, in the model's "
                + "own distance", RollingTopology.Snapshot::quantizationError);
        gauge(registry, TOPOGRAPHIC_ERROR, "Share of the window's images whose first and second BMU are not grid "
                + "neighbours (4 on square maps, 6 on hexagonal ones)", RollingTopology.Snapshot::topographicError);
        gauge(registry, TOPOGRAPHIC_ERROR_8, "Share of the window's images whose first and second BMU are not "
                + "8-neighbours", RollingTopology.Snapshot::topographicError8);
        gauge(registry, DEAD_UNITS_RATIO, "Share of units that are the BMU of no image in the window",
                RollingTopology.Snapshot::deadUnitShare);
        gauge(registry, HIT_ENTROPY, "Entropy (natural log) of the BMU hits over the window",
                RollingTopology.Snapshot::hitEntropy);
        gauge(registry, PURITY, "Cluster purity over the labelled images of the window",
                RollingTopology.Snapshot::purity);
        gauge(registry, NMI, "Normalised mutual information of units and labels over the labelled images of the "
                + "window", RollingTopology.Snapshot::nmi);
        Gauge.builder(WINDOW_IMAGES, this, w -> w.snapshot().map(s -> (double) s.images()).orElse(0.0))
                .description("Images in the window the vitsom_som_* gauges are computed over")
                .strongReference(true)
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description,
                       ToDoubleFunction<RollingTopology.Snapshot> statistic) {
        Gauge.builder(name, this, w -> w.snapshot().map(statistic::applyAsDouble).orElse(Double.NaN))
                .description(description)
                .strongReference(true)
                .register(registry);
    }
}
