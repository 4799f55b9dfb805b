package io.vitsom.dashboard;

import io.vitsom.model.metrics.RollingTopology;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import io.vitsom.stream.Messages;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the dashboard shows, kept up to date from the {@code som.*} topics by {@link KafkaFeedVerticle} and from the
 * cluster by {@link ConsumerLagVerticle}, read by {@link DashboardVerticle}. Thread-safe: writers are the feed
 * thread and the lag verticle, readers the HTTP handlers and render workers; every method holds the state's lock
 * only briefly.
 *
 * <p>The map geometry comes from the newest model record; assignments that arrive before the first model record
 * are held back and enter the rolling window once it says what the map is. Two revision counters say when a map image must be redrawn: one
 * moves with every prototype, the other with every assignment in the window.
 *
 * <p>The learner's continual-learning side ({@code som.events} and {@code som.learning}) is kept apart, in
 * {@link #learner()}.
 */
public final class DashboardState {
    private final DashboardConfig config;
    private final Map<Integer, Messages.Prototype> prototypes = new HashMap<>();
    private final ArrayDeque<Assignment> recent = new ArrayDeque<>();
    private final TreeMap<Long, ModelEntry> models = new TreeMap<>();
    private final ArrayDeque<Sample> history = new ArrayDeque<>();
    private final LearnerActivity learner = new LearnerActivity();
    /** Assignments read before the first model record (the feed reads the topics in no fixed order). */
    private final ArrayDeque<Assignment> beforeMap = new ArrayDeque<>();
    private SomGrid grid;
    private RollingTopology topology;
    private long prototypesRevision;
    private long assignmentsRevision;
    private long assignmentsTotal;
    private long rejected;
    private Lag lag = Lag.NONE;
    private String feedFailure;

    public DashboardState(DashboardConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * One assignment as the live list shows it.
     *
     * @param key the image's record key
     * @param receivedAt when the dashboard read it, epoch milliseconds
     */
    public record Assignment(String key, int unit, int row, int col, double distance, long modelVersion,
                             long eventTime, String label, Integer secondUnit, long receivedAt) {
        /** How long after its event time the assignment reached the dashboard. */
        public long latencyMillis() {
            return receivedAt - eventTime;
        }

        /** The assignment of {@code bmu}, read at {@code receivedAt}. */
        public static Assignment of(String key, Messages.Bmu bmu, long receivedAt) {
            return new Assignment(key, bmu.unit(), bmu.row(), bmu.col(), bmu.distance(), bmu.modelVersion(),
                    bmu.eventTime(), bmu.label(), bmu.secondUnit(), receivedAt);
        }
    }

    /**
     * One model version of the checkpoint history.
     *
     * @param driftMean mean prototype drift against the previous version, when the learner publishes it
     * @param driftMax largest prototype drift against the previous version, when the learner publishes it
     */
    public record ModelEntry(long version, long step, long imagesTrained, String checkpoint, String created,
                             Map<String, Long> offsets, int rows, int cols, String topology, Double driftMean,
                             Double driftMax) {
        public ModelEntry {
            Objects.requireNonNull(checkpoint, "checkpoint");
            offsets = Collections.unmodifiableMap(new TreeMap<>(offsets));
        }

        /** The entry of {@code record}, with the drift fields when they were present. */
        public static ModelEntry of(Messages.ModelVersion record, Double driftMean, Double driftMax) {
            return new ModelEntry(record.version(), record.step(), record.imagesTrained(), record.checkpoint(),
                    record.created(), record.offsets(), record.rows(), record.cols(), record.topology(), driftMean,
                    driftMax);
        }

        /** The map this version was trained on, or empty when the record does not say. */
        Optional<SomGrid> grid() {
            if (rows <= 0 || cols <= 0 || topology == null) {
                return Optional.empty();
            }
            return Optional.of(new SomGrid(rows, cols, Topology.fromConfig(topology)));
        }
    }

    /**
     * The topology metrics of the window at one moment (what the charts draw).
     *
     * @param time epoch milliseconds
     * @param images assignments in the window
     */
    public record Sample(long time, int images, double quantizationError, double topographicError,
                         double topographicError8, double deadUnitShare, double hitEntropy, double purity,
                         double nmi) {
        static Sample of(long time, RollingTopology.Snapshot s) {
            return new Sample(time, s.images(), s.quantizationError(), s.topographicError(), s.topographicError8(),
                    s.deadUnitShare(), s.hitEntropy(), s.purity(), s.nmi());
        }
    }

    /**
     * Lag of one partition of {@code images.valid} for one group.
     *
     * @param end the partition's end offset
     * @param committed the group's committed offset, {@code null} when it has committed none
     * @param lag records not yet consumed by the group (from the partition's start when nothing is committed)
     */
    public record PartitionLag(int partition, long end, Long committed, long lag) {
    }

    /** Lag of one group over all partitions. */
    public record GroupLag(String group, long total, List<PartitionLag> partitions) {
        public GroupLag {
            partitions = List.copyOf(partitions);
        }
    }

    /**
     * The last lag measurement.
     *
     * @param measuredAt epoch milliseconds, 0 before the first measurement
     * @param topic the measured topic
     * @param groups one entry per configured group
     * @param error why the last measurement failed, or {@code null}
     */
    public record Lag(long measuredAt, String topic, List<GroupLag> groups, String error) {
        static final Lag NONE = new Lag(0, null, List.of(), null);

        public Lag {
            groups = List.copyOf(groups);
        }
    }

    /**
     * The prototypes for drawing the map.
     *
     * @param byUnit the newest prototype of every unit, {@code null} where none arrived yet
     */
    public record PrototypesView(long revision, SomGrid grid, Messages.Prototype[] byUnit) {
    }

    /** The rolling window for drawing the hit and label maps. */
    public record WindowView(long revision, SomGrid grid, RollingTopology.Snapshot snapshot) {
    }

    /** The settings this state was built with. */
    public DashboardConfig config() {
        return config;
    }

    /** The learner's events and learning states; thread-safe on its own. */
    public LearnerActivity learner() {
        return learner;
    }

    /** Records a model version; a version with another map geometry resets the window and the prototypes. */
    public synchronized void onModel(ModelEntry model) {
        Objects.requireNonNull(model, "model");
        models.put(model.version(), model);
        while (models.size() > config.modelHistory()) {
            models.pollFirstEntry();
        }
        if (model.version() < models.lastKey()) {
            return;
        }
        Optional<SomGrid> modelGrid = model.grid();
        if (modelGrid.isPresent() && !sameGeometry(modelGrid.get(), grid)) {
            boolean first = grid == null;
            grid = modelGrid.get();
            topology = new RollingTopology(grid, config.window());
            prototypes.values().removeIf(p -> p.modelVersion() < model.version() || p.unit() >= grid.units());
            prototypesRevision++;
            assignmentsRevision++;
            if (first) {
                beforeMap.forEach(this::addToWindow);
            }
            beforeMap.clear();
        }
    }

    private static boolean sameGeometry(SomGrid a, SomGrid b) {
        return b != null && a.rows() == b.rows() && a.cols() == b.cols() && a.topology() == b.topology();
    }

    /** Keeps {@code prototype} unless its unit already holds one of a newer model version. */
    public synchronized void onPrototype(Messages.Prototype prototype) {
        Objects.requireNonNull(prototype, "prototype");
        Messages.Prototype current = prototypes.get(prototype.unit());
        if (current != null && current.modelVersion() > prototype.modelVersion()) {
            return;
        }
        prototypes.put(prototype.unit(), prototype);
        prototypesRevision++;
    }

    /**
     * Adds an assignment to the live list and to the rolling window (held back until the map is known).
     *
     * @return false when its unit is not on the map (counted as rejected, left out of the window)
     */
    public synchronized boolean onAssignment(Assignment assignment) {
        Objects.requireNonNull(assignment, "assignment");
        assignmentsTotal++;
        recent.addFirst(assignment);
        while (recent.size() > config.liveAssignments()) {
            recent.removeLast();
        }
        if (topology == null) {
            beforeMap.addLast(assignment);
            while (beforeMap.size() > config.window()) {
                beforeMap.removeFirst();
            }
            return true;
        }
        return addToWindow(assignment);
    }

    private boolean addToWindow(Assignment assignment) {
        Integer second = assignment.secondUnit();
        boolean secondKnown = second != null && second >= 0 && second < grid.units();
        if (assignment.unit() < 0 || assignment.unit() >= grid.units()) {
            rejected++;
            return false;
        }
        topology.add(assignment.unit(), secondKnown ? second : RollingTopology.UNKNOWN, assignment.distance(),
                assignment.label());
        assignmentsRevision++;
        return true;
    }

    /**
     * Samples the window's topology metrics into the history.
     *
     * @return the sample, or empty while the window is empty
     */
    public synchronized Optional<Sample> sample(long now) {
        if (topology == null) {
            return Optional.empty();
        }
        RollingTopology.Snapshot snapshot = topology.snapshot();
        if (snapshot.images() == 0) {
            return Optional.empty();
        }
        Sample sample = Sample.of(now, snapshot);
        history.addLast(sample);
        while (history.size() > config.historySize()) {
            history.removeFirst();
        }
        return Optional.of(sample);
    }

    /** Records a lag measurement. */
    public synchronized void onLag(Lag measurement) {
        lag = Objects.requireNonNull(measurement, "measurement");
    }

    /** Records why the feed stopped; the dashboard then reports itself down. */
    public synchronized void onFeedFailure(String reason) {
        feedFailure = Objects.requireNonNull(reason, "reason");
    }

    /** Why the feed stopped, if it did. */
    public synchronized Optional<String> feedFailure() {
        return Optional.ofNullable(feedFailure);
    }

    /** The map, once a model record said what it is. */
    public synchronized Optional<SomGrid> grid() {
        return Optional.ofNullable(grid);
    }

    /** The prototypes of the current map, or empty before the map is known or while none arrived. */
    public synchronized Optional<PrototypesView> prototypes() {
        if (grid == null || prototypes.isEmpty()) {
            return Optional.empty();
        }
        Messages.Prototype[] byUnit = new Messages.Prototype[grid.units()];
        prototypes.forEach((unit, p) -> {
            if (unit >= 0 && unit < byUnit.length) {
                byUnit[unit] = p;
            }
        });
        return Optional.of(new PrototypesView(prototypesRevision, grid, byUnit));
    }

    /** The rolling window, or empty before the map is known. */
    public synchronized Optional<WindowView> window() {
        if (topology == null) {
            return Optional.empty();
        }
        return Optional.of(new WindowView(assignmentsRevision, grid, topology.snapshot()));
    }

    /** Moves with every prototype kept. */
    public synchronized long prototypesRevision() {
        return prototypesRevision;
    }

    /** Moves with every assignment added to the window (and when the map changes). */
    public synchronized long assignmentsRevision() {
        return assignmentsRevision;
    }

    /** The most recent assignments, newest first. */
    public synchronized List<Assignment> recentAssignments() {
        return List.copyOf(recent);
    }

    /**
     * Assignment counts.
     *
     * @param read assignments read so far
     * @param offMap how many of them named a unit outside the map
     */
    public record Counts(long read, long offMap) {
    }

    /** Assignments read so far, and how many of them named a unit outside the map. */
    public synchronized Counts counts() {
        return new Counts(assignmentsTotal, rejected);
    }

    /** The model versions kept, newest first. */
    public synchronized List<ModelEntry> models() {
        return new ArrayList<>(models.descendingMap().values());
    }

    /** The sampled metrics, oldest first. */
    public synchronized List<Sample> history() {
        return List.copyOf(history);
    }

    /** The newest sample, if any. */
    public synchronized Optional<Sample> latestSample() {
        return Optional.ofNullable(history.peekLast());
    }

    /** The last lag measurement. */
    public synchronized Lag lag() {
        return lag;
    }
}
