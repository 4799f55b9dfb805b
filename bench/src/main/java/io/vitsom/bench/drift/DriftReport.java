package io.vitsom.bench.drift;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.render.LineChart;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.ToDoubleFunction;

/**
 * The outcome of a drift benchmark: the headline numbers (when the change was detected, how much the old group
 * lost, how long the new group took to catch up; for a stationary stream, the false alarms in the images the
 * armed detectors watched) derived from the evaluations, written as {@code drift.json}, {@code drift.md} and
 * {@code drift.png}.
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
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
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

    /**
     * The machine, for comparing runs.
     *
     * @param cpu the CPU model from {@code /proc/cpuinfo}, or null off Linux
     */
    record Machine(int cores, String os, String cpu, long maxHeapMb) {
        static Machine current() {
            String cpu = null;
            try {
                cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(null);
            } catch (IOException | RuntimeException e) {
                // Off Linux there is no cpuinfo; the other fields still place the run.
            }
            return new Machine(Runtime.getRuntime().availableProcessors(), System.getProperty("os.name") + " "
                    + System.getProperty("os.version") + " " + System.getProperty("os.arch"), cpu,
                    Runtime.getRuntime().maxMemory() >> 20);
        }

        String describe() {
            return String.format(Locale.ROOT, "%s, %d cores, %s, JVM heap max %d MiB",
                    cpu == null ? "unknown CPU" : cpu, cores, os, maxHeapMb);
        }
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

    double purityNewAfter() {
        Point end = end();
        return end == null ? Double.NaN : end.purityNew();
    }

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

    double trainImagesPerSecond() {
        return trainSeconds > 0 ? imagesFed / trainSeconds : Double.NaN;
    }

    /** Writes {@code drift.json}, {@code drift.md} and {@code drift.png} into {@code dir}. */
    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("drift.json").toFile(), json());
        Files.writeString(dir.resolve("drift.md"), markdown());
        chart().writePng(dir.resolve("drift.png"));
    }

    ObjectNode json() {
        ObjectNode r = JSON.createObjectNode();
        r.put("scenario", settings.kind().key());
        r.put("data", settings.data().toString());
        r.put("to", settings.to() == null ? null : settings.to().toString());
        r.put("config", settings.config().toString());
        r.put("images", settings.images());
        boolean switches = settings.kind().switches();
        if (switches) {
            r.put("switch_at_images", settings.switchAt());
        } else {
            r.putNull("switch_at_images");
        }
        r.put("complete", complete());
        if (!complete()) {
            r.put("stop_reason", stopReason);
        }
        r.put("images_streamed", imagesFed);
        r.put("old_group", oldGroup);
        r.put("new_group", newGroup);
        if (switches) {
            putLong(r, "detected_at_images", detectedAt());
        } else {
            // Nothing changed, so there is no one detection of the change: every detection, each a false alarm.
            ArrayNode all = r.putArray("detected_at_images");
            detections.forEach(d -> all.add(d.images()));
        }
        OptionalLong at = detectedAt();
        putLong(r, "detection_delay_images", at.isPresent() ? OptionalLong.of(at.getAsLong() - settings.switchAt())
                : OptionalLong.empty());
        putLong(r, "armed_at_images", armedAt);
        r.put("armed_images_before_switch", armedImagesBeforeSwitch);
        r.put("false_alarms_before_switch", falseAlarms());
        ArrayNode events = r.putArray("detections");
        for (Detection d : detections) {
            ObjectNode e = events.addObject();
            e.put("images", d.images());
            e.put("series", d.series());
            e.put("detector", d.detector());
            putNumber(e, "magnitude", d.magnitude());
        }
        putNumber(r, "purity_before_switch", purityBeforeSwitch());
        putNumber(r, "purity_new_classes_after", purityNewAfter());
        putNumber(r, "purity_old_classes_after", purityOldAfter());
        putNumber(r, "old_class_drop", purityBeforeSwitch() - purityOldAfter());
        putLong(r, "recovery_images", recoveryImages());
        r.put("plasticity", DriftSettings.onOff(settings.plasticity()));
        r.put("rehearsal", DriftSettings.onOff(settings.rehearsal()));
        r.put("quarantine", DriftSettings.onOff(settings.quarantine()));
        r.put("seed", settings.seed());
        r.put("horizon_images", settings.horizonImages());
        r.put("eval_every_images", settings.evalEvery());
        r.put("eval_images", settings.evalImages());
        if (settings.limit() == null) {
            r.putNull("limit");
        } else {
            r.put("limit", settings.limit());
        }
        r.put("batch_size", batchSize);
        r.put("fresh_images_per_step", settings.freshPerStep(batchSize));
        ObjectNode m = r.putObject("machine");
        m.put("cores", machine.cores());
        m.put("os", machine.os());
        m.put("cpu", machine.cpu());
        m.put("max_heap_mb", machine.maxHeapMb());
        r.put("code_version", codeVersion);
        r.put("wall_seconds", wallSeconds);
        putNumber(r, "train_seconds", trainSeconds);
        putNumber(r, "train_images_per_second", trainImagesPerSecond());
        ObjectNode s = r.putObject("series");
        ArrayNode images = s.putArray("images");
        points.forEach(p -> images.add(p.images()));
        series(s, "purity_old", Point::purityOld);
        series(s, "purity_new", Point::purityNew);
        series(s, "quantization_error", Point::quantizationError);
        series(s, "topographic_error", Point::topographicError);
        series(s, "hit_map_js", Point::hitMapJs);
        series(s, "temperature", Point::temperature);
        series(s, "learning_rate", Point::learningRate);
        series(s, "plasticity", Point::plasticity);
        series(s, "rehearsed_share", Point::rehearsedShare);
        series(s, "wall_seconds", Point::wallSeconds);
        return r;
    }

    private void series(ObjectNode s, String key, ToDoubleFunction<Point> value) {
        ArrayNode a = s.putArray(key);
        for (Point p : points) {
            double v = value.applyAsDouble(p);
            if (Double.isFinite(v)) {
                a.add(v);
            } else {
                a.addNull();
            }
        }
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    private static void putLong(ObjectNode o, String key, OptionalLong v) {
        if (v.isPresent()) {
            o.put(key, v.getAsLong());
        } else {
            o.putNull(key);
        }
    }

    /** The headline table, the settings and the evaluations, in the style of the other result files. */
    String markdown() {
        StringBuilder sb = new StringBuilder();
        String what = settings.to() == null ? settings.data().getFileName().toString()
                : settings.data().getFileName() + " → " + settings.to().getFileName();
        sb.append("# Drift benchmark: ").append(settings.kind().key()).append(" on ").append(what).append("\n\n");
        if (!complete()) {
            sb.append(String.format(Locale.ROOT, "**Incomplete** (%s): stopped after %,d of %,d fresh images; the "
                    + "numbers at the end are missing and the evaluations below are what was measured.%n%n",
                    stopReason, imagesFed, settings.images()));
        }
        if (settings.kind().switches()) {
            switchResults(sb);
        } else {
            stationaryResults(sb);
        }
        row(sb, "Wall time (training alone; training images/s)", String.format(Locale.ROOT, "%.0f s (%.0f s; %.0f)",
                wallSeconds, trainSeconds, trainImagesPerSecond()));
        settingsAndEvaluations(sb);
        return sb.toString();
    }

    /** The intro and the result rows of a stream that changes: detection, purities, recovery. */
    private void switchResults(StringBuilder sb) {
        sb.append(String.format(Locale.ROOT, "A stream of %,d fresh images: %,d of %s (old), then %,d of %s (new). "
                        + "Purity of %d held-out test images per group, each group assigned by the live map and scored "
                        + "on its own labels, every %,d images. %s%n%n",
                settings.images(), settings.switchAt(), oldGroup, settings.images() - settings.switchAt(), newGroup,
                settings.evalImages(), settings.evalEvery(), feed()));
        OptionalLong at = detectedAt();
        OptionalLong recovery = recoveryImages();
        sb.append("| Result | Value |\n| :--- | ---: |\n");
        row(sb, "Change detected at (images since the start)", at.isPresent()
                ? String.format(Locale.ROOT, "%,d (delay %,d)", at.getAsLong(), at.getAsLong() - settings.switchAt())
                : "not detected");
        row(sb, "False alarms before the switch", String.valueOf(falseAlarms()));
        row(sb, "Purity of the old group before the switch", number(purityBeforeSwitch()));
        row(sb, "Purity of the new group at the end", number(purityNewAfter()));
        row(sb, "Purity of the old group at the end (drop)", Double.isNaN(purityOldAfter()) ? "-"
                : number(purityOldAfter()) + " (" + number(purityBeforeSwitch() - purityOldAfter()) + ")");
        row(sb, String.format(Locale.ROOT, "Recovery: images after the switch until the new group is within %.2f "
                + "of the old group's purity before it", RECOVERY_TOLERANCE), recovery.isPresent()
                ? String.format(Locale.ROOT, "%,d", recovery.getAsLong()) : "not within this run");
        row(sb, "Detectors armed after (fresh images streamed); images they watched before the switch", armed());
    }

    /** The intro and the result rows of a stationary stream: its false alarms and the purity at the end. */
    private void stationaryResults(StringBuilder sb) {
        sb.append(String.format(Locale.ROOT, "A stationary stream of %,d fresh images of %s, shuffled, without a "
                        + "switch: every detection is a false alarm. Purity of %d held-out test images of all classes, "
                        + "assigned by the live map, every %,d images. %s%n%n",
                settings.images(), oldGroup, settings.evalImages(), settings.evalEvery(), feed()));
        sb.append(String.format(Locale.ROOT, "**%,d false alarm%s in %,d armed stationary images** ", falseAlarms(),
                falseAlarms() == 1 ? "" : "s", armedImagesBeforeSwitch));
        sb.append(armedAt.isPresent()
                ? String.format(Locale.ROOT, "(the images the armed detectors watched, their calibration included: "
                        + "they armed after %,d fresh images, when the organisation horizon of %,d trained images "
                        + "was over).%n%n", armedAt.getAsLong(), settings.horizonImages())
                : String.format(Locale.ROOT, "(the detectors never armed: the organisation horizon of %,d trained "
                        + "images was not over; stream more --images).%n%n", settings.horizonImages()));
        sb.append("| Result | Value |\n| :--- | ---: |\n");
        row(sb, "False alarms (every detection: the stream does not change)", String.valueOf(falseAlarms()));
        row(sb, "Detectors armed after (fresh images streamed); images they watched", armed());
        row(sb, "Purity at the end, all classes (`purity_before_switch` in drift.json)", number(purityBeforeSwitch()));
    }

    /** When the detectors armed and how many images they watched before the switch, for a result row. */
    private String armed() {
        return armedAt.isPresent() ? String.format(Locale.ROOT, "%,d; %,d", armedAt.getAsLong(),
                armedImagesBeforeSwitch) : "never";
    }

    private void settingsAndEvaluations(StringBuilder sb) {
        sb.append("\n| Setting | Value |\n| :--- | :--- |\n");
        row(sb, "Plasticity / rehearsal / quarantine", DriftSettings.onOff(settings.plasticity()) + " / "
                + DriftSettings.onOff(settings.rehearsal()) + " / " + DriftSettings.onOff(settings.quarantine()));
        row(sb, "Organisation horizon (detectors arm at its end)", String.format(Locale.ROOT, "%,d images",
                settings.horizonImages()));
        row(sb, "Batch (fresh images per step)", batchSize + " (" + settings.freshPerStep(batchSize) + ")");
        row(sb, "Seed", String.valueOf(settings.seed()));
        if (settings.limit() != null) {
            row(sb, "Limit (first images of each training split)", String.format(Locale.ROOT, "%,d", settings.limit()));
        }
        row(sb, "Config", "`" + settings.config() + "`");
        row(sb, "Data", "`" + settings.data() + "`" + (settings.to() == null ? "" : " then `" + settings.to() + "`"));
        row(sb, "Machine", machine.describe());
        row(sb, "Code", codeVersion);
        if (!detections.isEmpty()) {
            sb.append("\nDetections:\n\n| Images | Series | Detector | Magnitude |\n| ---: | :--- | :--- | ---: |\n");
            for (Detection d : detections) {
                sb.append(String.format(Locale.ROOT, "| %,d | %s | %s | %.4g |%n", d.images(), d.series(),
                        d.detector(), d.magnitude()));
            }
        }
        boolean switches = settings.kind().switches();
        sb.append("\nEvaluations (QE, TE: the monitor's last window of fresh images):\n\n")
                .append(switches ? "| Images | Purity old | Purity new " : "| Images | Purity ")
                .append("| QE | TE | Temperature | Learning rate | Plasticity | Rehearsed | Wall s |\n")
                .append(switches ? "| ---: | ---: | ---: " : "| ---: | ---: ")
                .append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Point p : points) {
            String purity = switches ? number(p.purityOld()) + " | " + number(p.purityNew()) : number(p.purityOld());
            sb.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %s | %s | %.0f |%n",
                    p.images(), purity, number(p.quantizationError()), number(p.topographicError()),
                    number(p.temperature()), scientific(p.learningRate()), number(p.plasticity()),
                    number(p.rehearsedShare()), p.wallSeconds()));
        }
    }

    /** How fresh images reach the learner, which decides how much rehearsal there is. */
    String feed() {
        int fresh = settings.freshPerStep(batchSize);
        return settings.rehearsal()
                ? String.format(Locale.ROOT, "Each step gets %d fresh images (half the batch of %d) and the rehearsal "
                        + "reservoir fills the rest: this models a feed slower than the learner.", fresh, batchSize)
                : String.format(Locale.ROOT, "Each step gets a full batch of %d fresh images (rehearsal off).",
                        batchSize);
    }

    private static void row(StringBuilder sb, String key, String value) {
        sb.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "-";
    }

    private static String scientific(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2e", v) : "-";
    }

    /**
     * Purity, QE and plasticity/temperature over the stream; the switch (none for stationary) and the arming of the
     * detectors dashed, each detection in red.
     */
    LineChart chart() {
        double[] x = points.stream().mapToDouble(Point::images).toArray();
        boolean switches = settings.kind().switches();
        LineChart.Panel purity = LineChart.Panel.of("Purity of held-out test images", "purity").withYRange(0, 1);
        purity = switches
                ? purity.with("old group", x, values(Point::purityOld)).with("new group", x, values(Point::purityNew))
                : purity.with("all classes", x, values(Point::purityOld));
        LineChart.Builder b = LineChart.builder()
                .title(settings.kind().key() + ": " + oldGroup + (switches ? " → " + newGroup : ", no switch"))
                .xLabel("fresh images streamed")
                .size(1000, 760)
                .panel(purity)
                .panel(LineChart.Panel.of("Quantization error (monitor window)", "QE")
                        .with("QE", x, values(Point::quantizationError)))
                .panel(LineChart.Panel.of("Plasticity level and temperature", "level / grid units")
                        .with("plasticity level", x, values(Point::plasticity))
                        .with("temperature", x, values(Point::temperature)));
        if (switches) {
            b.marker(settings.switchAt(), "switch", Color.GRAY, true);
        }
        armedAt.ifPresent(at -> b.marker(at, "armed", new Color(0x2ca02c), true));
        for (Detection d : detections) {
            b.marker(d.images(), d.series(), new Color(0xd62728), false);
        }
        return b.build();
    }

    private double[] values(ToDoubleFunction<Point> f) {
        return points.stream().mapToDouble(f).toArray();
    }
}
