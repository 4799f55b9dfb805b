package io.vitsom.bench.drift;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * {@code drift.md}, also printed at the end of a run: a {@link DriftReport}'s headline table, its settings, its
 * detections and its evaluations, in the style of the other result files. A number that is not finite is {@code -}.
 */
final class DriftMarkdown {
    private final DriftReport report;
    private final DriftSettings settings;
    private final StringBuilder sb = new StringBuilder();

    private DriftMarkdown(DriftReport report) {
        this.report = report;
        this.settings = report.settings();
    }

    /** The report as {@code drift.md}'s text. */
    static String of(DriftReport report) {
        return new DriftMarkdown(report).render();
    }

    private String render() {
        String what = settings.to() == null ? settings.data().getFileName().toString()
                : settings.data().getFileName() + " → " + settings.to().getFileName();
        sb.append("# Drift benchmark: ").append(settings.kind().key()).append(" on ").append(what).append("\n\n");
        if (!report.complete()) {
            sb.append(String.format(Locale.ROOT, "**Incomplete** (%s): stopped after %,d of %,d fresh images; the "
                    + "numbers at the end are missing and the evaluations below are what was measured.%n%n",
                    report.stopReason(), report.imagesFed(), settings.images()));
        }
        if (settings.kind().switches()) {
            switchResults();
        } else {
            stationaryResults();
        }
        row("Wall time (training alone; training images/s)", String.format(Locale.ROOT, "%.0f s (%.0f s; %.0f)",
                report.wallSeconds(), report.trainSeconds(), report.trainImagesPerSecond()));
        settingsTable();
        detections();
        evaluations();
        return sb.toString();
    }

    /** The intro and the result rows of a stream that changes: detection, purities, recovery. */
    private void switchResults() {
        sb.append(String.format(Locale.ROOT, "A stream of %,d fresh images: %,d of %s (old), then %,d of %s (new). "
                        + "Purity of %d held-out test images per group, each group assigned by the live map and scored "
                        + "on its own labels, every %,d images. %s%n%n",
                settings.images(), settings.switchAt(), report.oldGroup(), settings.images() - settings.switchAt(),
                report.newGroup(), settings.evalImages(), settings.evalEvery(), feed()));
        OptionalLong at = report.detectedAt();
        OptionalLong recovery = report.recoveryImages();
        double before = report.purityBeforeSwitch();
        double oldAfter = report.purityOldAfter();
        sb.append("| Result | Value |\n| :--- | ---: |\n");
        row("Change detected at (images since the start)", at.isPresent()
                ? String.format(Locale.ROOT, "%,d (delay %,d)", at.getAsLong(), at.getAsLong() - settings.switchAt())
                : "not detected");
        row("False alarms before the switch", String.valueOf(report.falseAlarms()));
        row("Purity of the old group before the switch", number(before));
        row("Purity of the new group at the end", number(report.purityNewAfter()));
        row("Purity of the old group at the end (drop)", Double.isNaN(oldAfter) ? "-"
                : number(oldAfter) + " (" + number(before - oldAfter) + ")");
        row(String.format(Locale.ROOT, "Recovery: images after the switch until the new group is within %.2f "
                + "of the old group's purity before it", DriftReport.RECOVERY_TOLERANCE), recovery.isPresent()
                ? String.format(Locale.ROOT, "%,d", recovery.getAsLong()) : "not within this run");
        row("Detectors armed after (fresh images streamed); images they watched before the switch", armed());
    }

    /** The intro and the result rows of a stationary stream: its false alarms and the purity at the end. */
    private void stationaryResults() {
        sb.append(String.format(Locale.ROOT, "A stationary stream of %,d fresh images of %s, shuffled, without a "
                        + "switch: every detection is a false alarm. Purity of %d held-out test images of all classes, "
                        + "assigned by the live map, every %,d images. %s%n%n",
                settings.images(), report.oldGroup(), settings.evalImages(), settings.evalEvery(), feed()));
        long falseAlarms = report.falseAlarms();
        sb.append(String.format(Locale.ROOT, "**%,d false alarm%s in %,d armed stationary images** ", falseAlarms,
                falseAlarms == 1 ? "" : "s", report.armedImagesBeforeSwitch()));
        OptionalLong armedAt = report.armedAt();
        sb.append(armedAt.isPresent()
                ? String.format(Locale.ROOT, "(the images the armed detectors watched, their calibration included: "
                        + "they armed after %,d fresh images, when the organisation horizon of %,d trained images "
                        + "was over).%n%n", armedAt.getAsLong(), settings.horizonImages())
                : String.format(Locale.ROOT, "(the detectors never armed: the organisation horizon of %,d trained "
                        + "images was not over; stream more --images).%n%n", settings.horizonImages()));
        sb.append("| Result | Value |\n| :--- | ---: |\n");
        row("False alarms (every detection: the stream does not change)", String.valueOf(falseAlarms));
        row("Detectors armed after (fresh images streamed); images they watched", armed());
        row("Purity at the end, all classes (`purity_before_switch` in drift.json)",
                number(report.purityBeforeSwitch()));
    }

    /** When the detectors armed and how many images they watched before the switch, for a result row. */
    private String armed() {
        return report.armedAt().isPresent() ? String.format(Locale.ROOT, "%,d; %,d", report.armedAt().getAsLong(),
                report.armedImagesBeforeSwitch()) : "never";
    }

    /** How fresh images reach the learner, which decides how much rehearsal there is. */
    private String feed() {
        int batchSize = report.batchSize();
        return settings.rehearsal()
                ? String.format(Locale.ROOT, "Each step gets %d fresh images (half the batch of %d) and the rehearsal "
                        + "reservoir fills the rest: this models a feed slower than the learner.",
                        settings.freshPerStep(batchSize), batchSize)
                : String.format(Locale.ROOT, "Each step gets a full batch of %d fresh images (rehearsal off).",
                        batchSize);
    }

    private void settingsTable() {
        int batchSize = report.batchSize();
        sb.append("\n| Setting | Value |\n| :--- | :--- |\n");
        row("Plasticity / rehearsal / quarantine", DriftSettings.onOff(settings.plasticity().enabled()) + " / "
                + DriftSettings.onOff(settings.rehearsal()) + " / " + DriftSettings.onOff(settings.quarantine()));
        if (settings.plasticity().enabled()) {
            row("Plasticity answer", String.format(Locale.ROOT, "temperature x%s, learning rate x%s, back to x1 over "
                            + "%,d fresh images", factor(settings.plasticity().temperatureFactor()),
                    factor(settings.plasticity().learningRateFactor()), settings.plasticity().annealImages()));
        }
        row("Organisation horizon (detectors arm at its end)", String.format(Locale.ROOT, "%,d images",
                settings.horizonImages()));
        row("Batch (fresh images per step)", batchSize + " (" + settings.freshPerStep(batchSize) + ")");
        row("Seed", String.valueOf(settings.seed()));
        if (settings.limit() != null) {
            row("Limit (first images of each training split)", String.format(Locale.ROOT, "%,d", settings.limit()));
        }
        row("Config", "`" + settings.config() + "`");
        row("Data", "`" + settings.data() + "`" + (settings.to() == null ? "" : " then `" + settings.to() + "`"));
        row("Machine", report.machine().describe());
        row("Code", report.codeVersion());
    }

    /** Every detection, when there was one. */
    private void detections() {
        if (report.detections().isEmpty()) {
            return;
        }
        sb.append("\nDetections:\n\n| Images | Series | Detector | Magnitude |\n| ---: | :--- | :--- | ---: |\n");
        for (DriftReport.Detection d : report.detections()) {
            sb.append(String.format(Locale.ROOT, "| %,d | %s | %s | %.4g |%n", d.images(), d.series(),
                    d.detector(), d.magnitude()));
        }
    }

    /** Every evaluation; a stationary stream has one purity column, a switch one per group. */
    private void evaluations() {
        boolean switches = settings.kind().switches();
        sb.append("\nEvaluations (QE, TE: the monitor's last window of fresh images):\n\n")
                .append(switches ? "| Images | Purity old | Purity new " : "| Images | Purity ")
                .append("| QE | TE | Temperature | Learning rate | Plasticity | Rehearsed | Wall s |\n")
                .append(switches ? "| ---: | ---: | ---: " : "| ---: | ---: ")
                .append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (DriftReport.Point p : report.points()) {
            String purity = switches ? number(p.purityOld()) + " | " + number(p.purityNew()) : number(p.purityOld());
            sb.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %s | %s | %.0f |%n",
                    p.images(), purity, number(p.quantizationError()), number(p.topographicError()),
                    number(p.temperature()), scientific(p.learningRate()), number(p.plasticity()),
                    number(p.rehearsedShare()), p.wallSeconds()));
        }
    }

    private void row(String key, String value) {
        sb.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "-";
    }

    /** 4 as "4", 2.5 as "2.5". */
    private static String factor(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String scientific(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2e", v) : "-";
    }
}
