package io.vitsom.bench.drift;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The outcome of a drift benchmark and the headline numbers derived from its evaluations: when the change was
 * detected, how much the old group lost, how long the new group took to catch up; for a stationary stream, the false
 * alarms in the images the armed detectors watched. {@link DriftJson}, {@link DriftMarkdown} and {@link DriftChart}
 * turn it into the result files.
 *
 * @param settings what was run
 * @param oldGroup the old group in words (stationary: the whole dataset)
 * @param newGroup the new group in words, or null for stationary
 * @param batchSize the config's batch size
 * @param points the evaluations, in stream order
 * @param detections every change detected, in stream order
 * @param armedAt fresh images streamed before the first one the armed detectors watched; empty if they never armed
 * @param armedImagesBeforeSwitch fresh images the armed detectors watched before the switch (stationary: in the
 *     whole stream); their calibration counts, the quiet period after each detection does not
 * @param imagesFed fresh images streamed when the run ended
 * @param stopReason why the run stopped early, or null when it streamed every image
 * @param wallSeconds the whole run, evaluations included
 * @param trainSeconds the training steps alone
 * @param machine where it ran
 * @param codeVersion the code that ran
 */
record DriftReport(DriftSettings settings, String oldGroup, String newGroup, int batchSize, List<Point> points,
                   List<Detection> detections, OptionalLong armedAt, long armedImagesBeforeSwitch, long imagesFed,
                   String stopReason, double wallSeconds, double trainSeconds, Machine machine,
                   String codeVersion) {
    /** How close to its before-switch level the new group's purity must come to count as recovered. */
    static final double RECOVERY_TOLERANCE = 0.03;

    DriftReport {
        points = List.copyOf(points);
        detections = List.copyOf(detections);
    }

    /**
     * One evaluation. NaN where there is no value yet (the monitor's windows before the first closes).
     *
     * @param images fresh images streamed so far
     * @param rehearsedShare share of the trained images since the previous evaluation that came from the reservoir
     * @param wallSeconds since the run started
     */
    record Point(long images, double purityOld, double purityNew, double quantizationError, double topographicError,
                 double hitMapJs, double temperature, double learningRate, double plasticity, double rehearsedShare,
                 double wallSeconds) {
    }

    /**
     * A change the trainer detected.
     *
     * @param images position in the stream (fresh images since the start) of the image it fired on: the switch's
     *     last old image is at {@code switchAt}, its first new one at {@code switchAt + 1}
     */
    record Detection(long images, String series, String detector, double magnitude) {
    }

    /** Writes {@code drift.json}, {@code drift.md} and {@code drift.png} into {@code dir}, creating it. */
    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        DriftJson.write(this, dir.resolve("drift.json"));
        Files.writeString(dir.resolve("drift.md"), DriftMarkdown.of(this));
        DriftChart.of(this).writePng(dir.resolve("drift.png"));
    }

    /** Whether every planned image was streamed (no stop cut it short). */
    boolean complete() {
        return stopReason == null;
    }

    /** The first detection on a new image (after the switch), in images since the start; none for stationary. */
    OptionalLong detectedAt() {
        return detections.stream().filter(d -> d.images() > settings.switchAt()).mapToLong(Detection::images)
                .findFirst();
    }

    /** Detections on images before the switch, the stream had not changed yet: for stationary, all of them. */
    long falseAlarms() {
        return detections.stream().filter(d -> d.images() <= settings.switchAt()).count();
    }

    /**
     * The old group's purity at the last evaluation before any new image was trained (stationary: the last
     * evaluation, the final purity of a complete run); NaN without one.
     */
    double purityBeforeSwitch() {
        return points.stream().filter(p -> p.images() <= settings.switchAt()).reduce((a, b) -> b)
                .map(Point::purityOld).orElse(Double.NaN);
    }

    /**
     * The final evaluation after a switch, or null when the run was stopped before the end or has no switch (a
     * stationary stream's end is its {@link #purityBeforeSwitch()}).
     */
    private Point end() {
        return complete() && !points.isEmpty() && settings.kind().switches() ? points.get(points.size() - 1) : null;
    }

    /** The new group's purity at the end of a complete run with a switch, else NaN. */
    double purityNewAfter() {
        Point end = end();
        return end == null ? Double.NaN : end.purityNew();
    }

    /** The old group's purity at the end of a complete run with a switch, else NaN. */
    double purityOldAfter() {
        Point end = end();
        return end == null ? Double.NaN : end.purityOld();
    }

    /**
     * Fresh images after the switch until the new group's purity came within {@link #RECOVERY_TOLERANCE} of the
     * old group's before the switch (0 when it already was at the switch).
     */
    OptionalLong recoveryImages() {
        double target = purityBeforeSwitch() - RECOVERY_TOLERANCE;
        if (Double.isNaN(target) || !settings.kind().switches()) {
            return OptionalLong.empty();
        }
        return points.stream().filter(p -> p.images() >= settings.switchAt() && p.purityNew() >= target)
                .mapToLong(p -> p.images() - settings.switchAt()).findFirst();
    }

    /** Fresh images per second of training steps; NaN when no step was timed. */
    double trainImagesPerSecond() {
        return trainSeconds > 0 ? imagesFed / trainSeconds : Double.NaN;
    }
}
