package io.vitsom.dashboard;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vitsom.model.metrics.RollingTopology;
import io.vitsom.model.som.SomGrid;
import io.vitsom.stream.Messages;
import java.util.List;
import java.util.Optional;

/**
 * The JSON the page reads: {@code GET /api/state} (with the whole metric history) and every server-sent event of
 * {@code /api/stream} (the newest sample only). Field names are snake_case like the {@code som.*} topics; metrics
 * that are undefined (NaN, e.g. purity without labels) are {@code null}. Every {@code time} is epoch milliseconds;
 * the learner's own ISO-8601 strings are kept beside it ({@code detected_at}, {@code time_iso}).
 *
 * <pre>
 * {"time", "grid": {"rows", "cols", "topology"} | null,
 *  "images": {"prototypes", "umatrix", "hits", "labels"}  (revision to load the picture at, or null),
 *  "window": {"size", "images", "total_images", "quantization_error", "topographic_error", "topographic_error_8",
 *             "dead_unit_share", "hit_entropy", "purity", "nmi"} | null,
 *  "history": [sample...]  (only in /api/state),  "sample": newest sample | null,
 *  "assignments": [{"key", "unit", "row", "col", "distance", "model_version", "event_time", "label", "latency_ms"}],
 *  "assignments_read", "assignments_off_map",
 *  "models": [{"version", "step", "images_trained", "checkpoint", "created", "offsets", "drift_mean", "drift_max"}],
 *  "lag": {"measured_at", "topic", "error", "groups": [{"group", "total", "partitions": [...]}]},
 *  "events": [{"id", "time", "type", "series", "detector", "magnitude", "detected_at", "detected_at_images",
 *              "model_version", "message"}]  (newest first: every event kept in /api/state, the newest
 *              {@value #PUSHED_EVENTS} in a push; the page merges pushes by id),
 *  "learning": {"time", "time_iso", "model_version", "step", "fresh_images", "rehearsed_images",
 *               "fresh_per_second", "rehearsed_per_second", "reservoir_images", "plasticity", "temperature",
 *               "learning_rate", "novel_images", "detections", "reseeded_units", "detectors_armed",
 *               "live": {"quantization_error", "topographic_error"} | null, "shadow": {...} | null} | null,
 *  "learning_history": [learning...]  (oldest first, only in /api/state),
 *  "links": [{"name", "url"}], "feed_failure"}
 * </pre>
 */
final class StateJson {
    /**
     * Events in every push: map events are rare (minutes apart, not twenty within one push interval), so a page
     * that follows the stream misses none, and a push stays small however long the history is.
     */
    static final int PUSHED_EVENTS = 20;

    private StateJson() {
    }

    /** Everything, with the whole metric history, every event kept and the learning history. */
    static JsonObject full(DashboardState state, long now) {
        JsonArray history = new JsonArray();
        state.history().forEach(s -> history.add(sample(s)));
        JsonArray learning = new JsonArray();
        state.learner().learningHistory().forEach(l -> learning.add(learning(l)));
        return live(state, now).put("history", history).put("events", events(state.learner().events()))
                .put("learning_history", learning);
    }

    /** Everything but the history: what every push carries. */
    static JsonObject live(DashboardState state, long now) {
        Optional<DashboardState.PrototypesView> prototypes = state.prototypes();
        Optional<DashboardState.WindowView> window = state.window();
        JsonObject out = new JsonObject().put("time", now);
        out.put("grid", state.grid().map(StateJson::grid).orElse(null));
        JsonObject images = new JsonObject();
        for (MapImage image : MapImage.values()) {
            images.put(image.key(), MapRenderer.drawableRevision(image, prototypes, window).orElse(null));
        }
        out.put("images", images);
        out.put("window", window.map(w -> window(w.snapshot(), state.config().window())).orElse(null));
        out.put("sample", state.latestSample().map(StateJson::sample).orElse(null));
        JsonArray assignments = new JsonArray();
        state.recentAssignments().forEach(a -> assignments.add(assignment(a)));
        out.put("assignments", assignments);
        DashboardState.Counts counts = state.counts();
        out.put("assignments_read", counts.read()).put("assignments_off_map", counts.offMap());
        JsonArray models = new JsonArray();
        state.models().forEach(m -> models.add(model(m)));
        out.put("models", models);
        out.put("lag", lag(state.lag()));
        List<LearnerActivity.Event> events = state.learner().events();
        out.put("events", events(events.subList(0, Math.min(PUSHED_EVENTS, events.size()))));
        out.put("learning", state.learner().latestLearning().map(StateJson::learning).orElse(null));
        JsonArray links = new JsonArray();
        state.config().links().forEach(l -> links.add(new JsonObject().put("name", l.name()).put("url", l.url())));
        out.put("links", links);
        out.put("feed_failure", state.feedFailure().orElse(null));
        return out;
    }

    private static JsonObject grid(SomGrid grid) {
        return new JsonObject().put("rows", grid.rows()).put("cols", grid.cols())
                .put("topology", grid.topology().configName());
    }

    private static JsonObject window(RollingTopology.Snapshot s, int size) {
        return new JsonObject().put("size", size).put("images", s.images()).put("total_images", s.totalImages())
                .put("quantization_error", finite(s.quantizationError()))
                .put("topographic_error", finite(s.topographicError()))
                .put("topographic_error_8", finite(s.topographicError8()))
                .put("dead_unit_share", finite(s.deadUnitShare()))
                .put("hit_entropy", finite(s.hitEntropy()))
                .put("purity", finite(s.purity()))
                .put("nmi", finite(s.nmi()));
    }

    static JsonObject sample(DashboardState.Sample s) {
        return new JsonObject().put("time", s.time()).put("images", s.images())
                .put("quantization_error", finite(s.quantizationError()))
                .put("topographic_error", finite(s.topographicError()))
                .put("topographic_error_8", finite(s.topographicError8()))
                .put("dead_unit_share", finite(s.deadUnitShare()))
                .put("hit_entropy", finite(s.hitEntropy()))
                .put("purity", finite(s.purity()))
                .put("nmi", finite(s.nmi()));
    }

    private static JsonObject assignment(DashboardState.Assignment a) {
        return new JsonObject().put("key", a.key()).put("unit", a.unit()).put("row", a.row()).put("col", a.col())
                .put("distance", finite(a.distance())).put("model_version", a.modelVersion())
                .put("event_time", a.eventTime()).put("label", a.label()).put("latency_ms", a.latencyMillis());
    }

    private static JsonObject model(DashboardState.ModelEntry m) {
        JsonObject offsets = new JsonObject();
        m.offsets().forEach(offsets::put);
        return new JsonObject().put("version", m.version()).put("step", m.step())
                .put("images_trained", m.imagesTrained()).put("checkpoint", m.checkpoint())
                .put("created", m.created()).put("offsets", offsets)
                .put("drift_mean", m.driftMean() == null ? null : finite(m.driftMean()))
                .put("drift_max", m.driftMax() == null ? null : finite(m.driftMax()));
    }

    private static JsonArray events(List<LearnerActivity.Event> events) {
        JsonArray out = new JsonArray();
        for (LearnerActivity.Event e : events) {
            Messages.MapEvent m = e.event();
            out.add(new JsonObject().put("id", e.id()).put("time", e.time()).put("type", m.type())
                    .put("series", m.series()).put("detector", m.detector())
                    .put("magnitude", m.magnitude() == null ? null : finite(m.magnitude()))
                    .put("detected_at", m.detectedAt()).put("detected_at_images", m.detectedAtImages())
                    .put("model_version", m.modelVersion()).put("message", m.message()));
        }
        return out;
    }

    private static JsonObject learning(LearnerActivity.Learning l) {
        Messages.LearningState s = l.state();
        return new JsonObject().put("time", l.time()).put("time_iso", s.time())
                .put("model_version", s.modelVersion()).put("step", s.step())
                .put("fresh_images", s.freshImages()).put("rehearsed_images", s.rehearsedImages())
                .put("fresh_per_second", finite(s.freshPerSecond()))
                .put("rehearsed_per_second", finite(s.rehearsedPerSecond()))
                .put("reservoir_images", s.reservoirImages())
                .put("plasticity", finite(s.plasticity()))
                .put("temperature", finite(s.temperature()))
                .put("learning_rate", finite(s.learningRate()))
                .put("novel_images", s.novelImages()).put("detections", s.detections())
                .put("reseeded_units", s.reseededUnits()).put("detectors_armed", s.detectorsArmed())
                .put("live", quality(s.live())).put("shadow", quality(s.shadow()));
    }

    private static JsonObject quality(Messages.MapQuality q) {
        return q == null ? null : new JsonObject().put("quantization_error", finite(q.quantizationError()))
                .put("topographic_error", finite(q.topographicError()));
    }

    private static JsonObject lag(DashboardState.Lag lag) {
        JsonArray groups = new JsonArray();
        for (DashboardState.GroupLag g : lag.groups()) {
            JsonArray partitions = new JsonArray();
            g.partitions().forEach(p -> partitions.add(new JsonObject().put("partition", p.partition())
                    .put("end", p.end()).put("committed", p.committed()).put("lag", p.lag())));
            groups.add(new JsonObject().put("group", g.group()).put("total", g.total()).put("partitions", partitions));
        }
        return new JsonObject().put("measured_at", lag.measuredAt() == 0 ? null : lag.measuredAt())
                .put("topic", lag.topic()).put("error", lag.error()).put("groups", groups);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
