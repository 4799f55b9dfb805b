package io.vitsom.bench.drift;

import io.vitsom.model.adapt.AdaptationConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Hand-made drift reports for the report's, the writers' and the chart's unit tests: a class-split of 4,000 fresh
 * images switching at 2,000, evaluated every 1,000, whose numbers are easy to check by hand.
 */
final class DriftReports {
    static final Path DATA = Path.of("data", "mnist");
    static final Path CONFIG = Path.of("configs", "vit_som_mnist.yaml");
    static final Machine MACHINE = new Machine(2, "Linux 6.1 amd64", null, 1024);

    /**
     * Purity of the old group peaks at 0.9 at the switch and falls to 0.6; the new group's reaches 0.85 (more than
     * {@link DriftReport#RECOVERY_TOLERANCE} short of 0.9) after 1,000 images and 0.88 after 2,000. QE is missing at
     * the first evaluation, as before the monitor's first window closes.
     */
    static final List<DriftReport.Point> POINTS = List.of(
            new DriftReport.Point(1000, 0.80, 0.10, Double.NaN, 0.05, Double.NaN, 2.0, 1e-4, 0, Double.NaN, 3),
            new DriftReport.Point(2000, 0.90, 0.20, 0.40, 0.04, 0.01, 1.0, 5e-5, 0, 0.5, 6),
            new DriftReport.Point(3000, 0.70, 0.85, 0.90, 0.10, 0.20, 1.5, 8e-5, 0.8, 0.5, 8),
            new DriftReport.Point(4000, 0.60, 0.88, 0.50, 0.06, 0.05, 1.1, 6e-5, 0.2, 0.5, 10));

    /** Two false alarms (the second on the switch's last old image), then the change at 2,300 and once more. */
    static final List<DriftReport.Detection> DETECTIONS = List.of(
            new DriftReport.Detection(1500, "quantization_error", "page_hinkley", 1.25),
            new DriftReport.Detection(2000, "hit_map_js", "page_hinkley", 0.5),
            new DriftReport.Detection(2300, "quantization_error", "page_hinkley", 3.0),
            new DriftReport.Detection(2600, "hit_map_js", "page_hinkley", Double.NaN));

    private DriftReports() {
    }

    /** A plasticity answer, switched on; fixed here so that the reports' expected text does not follow the defaults. */
    static final AdaptationConfig.Plasticity PLASTICITY_ON = new AdaptationConfig.Plasticity(true, 4, 10, 20_000);

    /** Settings of the class-split: rehearsal on (8 of a batch of 16 fresh), no limit. */
    static DriftSettings classSplit() {
        return new DriftSettings(DriftScenario.Kind.CLASS_SPLIT, DATA, null, CONFIG, 4000, 2000, 800, 1000, 50, 3,
                null, PLASTICITY_ON, true, false);
    }

    /** Settings of a stationary stream of the same length: rehearsal off, the first 5,000 training images. */
    static DriftSettings stationary() {
        return new DriftSettings(DriftScenario.Kind.STATIONARY, DATA, null, CONFIG, 4000, 4000, 800, 1000, 50, 3,
                5000, PLASTICITY_ON, false, false);
    }

    /** The complete class-split run, armed after 1,000 fresh images, 8 s of its 10 spent training. */
    static DriftReport complete(List<DriftReport.Detection> detections) {
        return report(classSplit(), POINTS, detections, OptionalLong.of(1000), 1000, 4000, null);
    }

    /** The class-split run stopped after 3,000 images. */
    static DriftReport stopped() {
        return report(classSplit(), POINTS.subList(0, 3), DETECTIONS, OptionalLong.of(1000), 1000, 3000, "SIGTERM");
    }

    /** The stationary run. */
    static DriftReport stationary(List<DriftReport.Detection> detections, OptionalLong armedAt, long armedImages) {
        return report(stationary(), POINTS, detections, armedAt, armedImages, 4000, null);
    }

    static DriftReport report(DriftSettings settings, List<DriftReport.Point> points,
                              List<DriftReport.Detection> detections, OptionalLong armedAt, long armedImages,
                              long fed, String stopReason) {
        boolean switches = settings.kind().switches();
        return new DriftReport(settings, switches ? "classes 0, 1" : "all 4 classes of mnist",
                switches ? "classes 2, 3" : null, 16, points, detections, armedAt, armedImages, fed, stopReason, 10,
                8, MACHINE, "test");
    }
}
