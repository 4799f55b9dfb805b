package io.vitsom.bench.drift;

import io.vitsom.model.render.LineChart;
import java.awt.Color;
import java.util.function.ToDoubleFunction;

/**
 * {@code drift.png}: a {@link DriftReport}'s purity, quantization error and plasticity/temperature over the stream,
 * drawn by {@link LineChart}; the switch (none for stationary) and the arming of the detectors dashed, each detection
 * a solid line.
 */
final class DriftChart {
    /** The switch marker. */
    static final Color SWITCH = Color.GRAY;
    /** The marker where the detectors armed. */
    static final Color ARMED = new Color(0x2ca02c);
    /** The marker of each detection. */
    static final Color DETECTION = new Color(0xd62728);

    private DriftChart() {
    }

    /** The report's chart, at the size {@code drift.png} is written. */
    static LineChart of(DriftReport report) {
        DriftSettings settings = report.settings();
        double[] x = values(report, DriftReport.Point::images);
        boolean switches = settings.kind().switches();
        LineChart.Panel purity = LineChart.Panel.of("Purity of held-out test images", "purity").withYRange(0, 1);
        purity = switches
                ? purity.with("old group", x, values(report, DriftReport.Point::purityOld))
                        .with("new group", x, values(report, DriftReport.Point::purityNew))
                : purity.with("all classes", x, values(report, DriftReport.Point::purityOld));
        LineChart.Builder b = LineChart.builder()
                .title(settings.kind().key() + ": " + report.oldGroup()
                        + (switches ? " → " + report.newGroup() : ", no switch"))
                .xLabel("fresh images streamed")
                .size(1000, 760)
                .panel(purity)
                .panel(LineChart.Panel.of("Quantization error (monitor window)", "QE")
                        .with("QE", x, values(report, DriftReport.Point::quantizationError)))
                .panel(LineChart.Panel.of("Plasticity level and temperature", "level / grid units")
                        .with("plasticity level", x, values(report, DriftReport.Point::plasticity))
                        .with("temperature", x, values(report, DriftReport.Point::temperature)));
        if (switches) {
            b.marker(settings.switchAt(), "switch", SWITCH, true);
        }
        report.armedAt().ifPresent(at -> b.marker(at, "armed", ARMED, true));
        for (DriftReport.Detection d : report.detections()) {
            b.marker(d.images(), d.series(), DETECTION, false);
        }
        return b.build();
    }

    private static double[] values(DriftReport report, ToDoubleFunction<DriftReport.Point> f) {
        return report.points().stream().mapToDouble(f).toArray();
    }
}
