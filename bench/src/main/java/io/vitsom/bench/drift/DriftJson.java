package io.vitsom.bench.drift;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.ToDoubleFunction;

/**
 * {@code drift.json}: a {@link DriftReport}'s headline numbers, settings, machine and every evaluation as parallel
 * series, for notebooks and comparisons between runs. A number that is not finite and a value that does not exist
 * (no detection, no switch, no recovery) are {@code null}.
 */
final class DriftJson {
    /** Indented, like the other result files. */
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DriftJson() {
    }

    /** Writes {@link #of(DriftReport)} to {@code file}. */
    static void write(DriftReport report, Path file) throws IOException {
        JSON.writeValue(file.toFile(), of(report));
    }

    /** The report as {@code drift.json}'s tree. */
    static ObjectNode of(DriftReport report) {
        DriftSettings settings = report.settings();
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
        r.put("complete", report.complete());
        if (!report.complete()) {
            r.put("stop_reason", report.stopReason());
        }
        r.put("images_streamed", report.imagesFed());
        r.put("old_group", report.oldGroup());
        r.put("new_group", report.newGroup());
        if (switches) {
            putLong(r, "detected_at_images", report.detectedAt());
        } else {
            // Nothing changed, so there is no one detection of the change: every detection, each a false alarm.
            ArrayNode all = r.putArray("detected_at_images");
            report.detections().forEach(d -> all.add(d.images()));
        }
        OptionalLong at = report.detectedAt();
        putLong(r, "detection_delay_images", at.isPresent() ? OptionalLong.of(at.getAsLong() - settings.switchAt())
                : OptionalLong.empty());
        putLong(r, "armed_at_images", report.armedAt());
        r.put("armed_images_before_switch", report.armedImagesBeforeSwitch());
        r.put("false_alarms_before_switch", report.falseAlarms());
        ArrayNode events = r.putArray("detections");
        for (DriftReport.Detection d : report.detections()) {
            ObjectNode e = events.addObject();
            e.put("images", d.images());
            e.put("series", d.series());
            e.put("detector", d.detector());
            putNumber(e, "magnitude", d.magnitude());
        }
        putNumber(r, "purity_before_switch", report.purityBeforeSwitch());
        putNumber(r, "purity_new_classes_after", report.purityNewAfter());
        putNumber(r, "purity_old_classes_after", report.purityOldAfter());
        putNumber(r, "old_class_drop", report.purityBeforeSwitch() - report.purityOldAfter());
        putLong(r, "recovery_images", report.recoveryImages());
        r.put("plasticity", DriftSettings.onOff(settings.plasticity().enabled()));
        ObjectNode answer = r.putObject("plasticity_answer");
        answer.put("temperature_factor", settings.plasticity().temperatureFactor());
        answer.put("learning_rate_factor", settings.plasticity().learningRateFactor());
        answer.put("anneal_images", settings.plasticity().annealImages());
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
        r.put("batch_size", report.batchSize());
        r.put("fresh_images_per_step", settings.freshPerStep(report.batchSize()));
        Machine machine = report.machine();
        ObjectNode m = r.putObject("machine");
        m.put("cores", machine.cores());
        m.put("os", machine.os());
        m.put("cpu", machine.cpu());
        m.put("max_heap_mb", machine.maxHeapMb());
        r.put("code_version", report.codeVersion());
        r.put("wall_seconds", report.wallSeconds());
        putNumber(r, "train_seconds", report.trainSeconds());
        putNumber(r, "train_images_per_second", report.trainImagesPerSecond());
        r.set("series", series(report.points()));
        return r;
    }

    /** Every evaluation, one array per measure, all in stream order. */
    private static ObjectNode series(List<DriftReport.Point> points) {
        ObjectNode s = JSON.createObjectNode();
        ArrayNode images = s.putArray("images");
        points.forEach(p -> images.add(p.images()));
        series(s, "purity_old", points, DriftReport.Point::purityOld);
        series(s, "purity_new", points, DriftReport.Point::purityNew);
        series(s, "quantization_error", points, DriftReport.Point::quantizationError);
        series(s, "topographic_error", points, DriftReport.Point::topographicError);
        series(s, "hit_map_js", points, DriftReport.Point::hitMapJs);
        series(s, "temperature", points, DriftReport.Point::temperature);
        series(s, "learning_rate", points, DriftReport.Point::learningRate);
        series(s, "plasticity", points, DriftReport.Point::plasticity);
        series(s, "rehearsed_share", points, DriftReport.Point::rehearsedShare);
        series(s, "wall_seconds", points, DriftReport.Point::wallSeconds);
        return s;
    }

    private static void series(ObjectNode s, String key, List<DriftReport.Point> points,
                               ToDoubleFunction<DriftReport.Point> value) {
        ArrayNode a = s.putArray(key);
        for (DriftReport.Point p : points) {
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
}
