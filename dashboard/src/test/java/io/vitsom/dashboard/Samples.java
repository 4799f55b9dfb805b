package io.vitsom.dashboard;

import io.vitsom.model.data.ImageCodec;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Hand-made dashboard inputs: a 2x3 square map whose prototypes decode to 4x4 gray images. */
final class Samples {
    static final int ROWS = 2;
    static final int COLS = 3;
    static final int UNITS = ROWS * COLS;
    static final int SIDE = 4;

    private Samples() {
    }

    /** Port 0 on the loopback, a broker nobody listens on, fast pushes. */
    static DashboardConfig config() {
        return DashboardConfig.defaults(KafkaClients.of("127.0.0.1:1"), Topics.defaults())
                .withAddress("127.0.0.1", 0)
                .withWindow(100)
                .withIntervals(Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(5))
                .withLinks(List.of(new DashboardConfig.Link("serving", "http://127.0.0.1:8080/v1/model")));
    }

    static DashboardState.ModelEntry model(long version, Double driftMean, Double driftMax) {
        return new DashboardState.ModelEntry(version, 5 * version, 640 * version, "/runs/checkpoints/v00000" + version,
                "2025-01-01T00:00:0" + version + "Z", Map.of("images.valid-0", 320 * version), ROWS, COLS, "square",
                driftMean, driftMax);
    }

    /** Unit {@code k}'s prototype: vector (k, 0), image all gray level 40 k. */
    static Messages.Prototype prototype(int unit, long version) {
        byte[] pixels = new byte[SIDE * SIDE];
        java.util.Arrays.fill(pixels, (byte) (40 * unit));
        return Messages.Prototype.of(unit, unit / COLS, unit % COLS, version, new float[] {unit, 1},
                ImageCodec.encodePng(1, SIDE, SIDE, pixels));
    }

    static DashboardState.Assignment assignment(String key, int unit, String label, long eventTime, long receivedAt) {
        return new DashboardState.Assignment(key, unit, unit / COLS, unit % COLS, 0.25, 1, eventTime, label,
                (unit + 1) % UNITS, receivedAt);
    }

    /** Event {@code k}: a drift in the QE, {@code k} seconds after midnight of 2025-01-01, read at offset {@code k}. */
    static LearnerActivity.Event drift(int k) {
        String at = java.time.Instant.parse("2025-01-01T00:00:00Z").plusSeconds(k).toString();
        return new LearnerActivity.Event("0-" + k, KafkaFeedVerticle.epochMillis(at, -1), new Messages.MapEvent(
                "drift", "quantization_error", "adwin", 0.01 * k, at, 100L * k, 1, "drift " + k));
    }

    /** A learning state at {@code time} (epoch ms) with {@code plasticity}, a live map and no shadow map. */
    static LearnerActivity.Learning learning(long time, double plasticity) {
        return new LearnerActivity.Learning(time, new Messages.LearningState(java.time.Instant.ofEpochMilli(time)
                .toString(), 1, time / 1000, 10 * time, time, 50, 25, 1_000, plasticity, 0.5, 1e-3, 0, 0, 0, true,
                new Messages.MapQuality(0.3, 0.05), null));
    }

    /** A state with model v1, every prototype, and six labelled assignments (units 0..5, labels "0" and "1"). */
    static DashboardState filled() {
        return filled(config());
    }

    /** {@link #filled()} with other settings. */
    static DashboardState filled(DashboardConfig config) {
        DashboardState state = new DashboardState(config);
        state.onModel(model(1, 0.125, 0.5));
        for (int unit = 0; unit < UNITS; unit++) {
            state.onPrototype(prototype(unit, 1));
        }
        for (int unit = 0; unit < UNITS; unit++) {
            state.onAssignment(assignment("img-" + unit, unit, unit < 3 ? "0" : "1", 1_000 + unit, 1_100 + 2 * unit));
        }
        state.sample(5_000);
        return state;
    }
}
