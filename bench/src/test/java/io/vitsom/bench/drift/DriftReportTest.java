package io.vitsom.bench.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DriftReportTest {
    @Test
    void aCompleteSwitchHasItsDetectionFalseAlarmsPuritiesAndRecovery() {
        DriftReport r = DriftReports.complete(DriftReports.DETECTIONS);
        assertThat(r.complete()).isTrue();
        // 2,000 is the last old image: a false alarm like 1,500; 2,300 is the first detection after the switch.
        assertThat(r.detectedAt()).hasValue(2300);
        assertThat(r.falseAlarms()).isEqualTo(2);
        assertThat(r.purityBeforeSwitch()).isEqualTo(0.90);
        assertThat(r.purityNewAfter()).isEqualTo(0.88);
        assertThat(r.purityOldAfter()).isEqualTo(0.60);
        // Within 0.03 of 0.90 means at least 0.87: 0.85 at 3,000 is not, 0.88 at 4,000 is, 2,000 after the switch.
        assertThat(r.recoveryImages()).hasValue(2000);
        assertThat(r.trainImagesPerSecond()).isEqualTo(4000 / 8.0);
    }

    @Test
    void aNewGroupAlreadyCloseAtTheSwitchRecoveredInNoImages() {
        List<DriftReport.Point> points = List.of(
                new DriftReport.Point(2000, 0.90, 0.88, 0.4, 0.04, 0.01, 1, 1e-4, 0, 0.5, 6),
                new DriftReport.Point(4000, 0.80, 0.95, 0.4, 0.04, 0.01, 1, 1e-4, 0, 0.5, 9));
        DriftReport r = DriftReports.report(DriftReports.classSplit(), points, List.of(), OptionalLong.empty(), 0,
                4000, null);
        assertThat(r.recoveryImages()).hasValue(0);
        assertThat(r.detectedAt()).isEmpty();
        assertThat(r.falseAlarms()).isZero();
    }

    @Test
    void aStoppedRunHasNoEndPuritiesAndNoRecoveryYet() {
        DriftReport r = DriftReports.stopped();
        assertThat(r.complete()).isFalse();
        assertThat(r.purityBeforeSwitch()).isEqualTo(0.90);
        assertThat(r.purityNewAfter()).isNaN();
        assertThat(r.purityOldAfter()).isNaN();
        assertThat(r.recoveryImages()).isEmpty();
        assertThat(r.trainImagesPerSecond()).isEqualTo(3000 / 8.0);
    }

    @Test
    void aStationaryStreamCountsEveryDetectionAsAFalseAlarmAndEndsBeforeItsSwitch() {
        DriftReport r = DriftReports.stationary(DriftReports.DETECTIONS, OptionalLong.of(1000), 3000);
        assertThat(r.detectedAt()).isEmpty();
        assertThat(r.falseAlarms()).isEqualTo(4);
        assertThat(r.purityBeforeSwitch()).isEqualTo(0.60);
        assertThat(r.purityNewAfter()).isNaN();
        assertThat(r.purityOldAfter()).isNaN();
        assertThat(r.recoveryImages()).isEmpty();
    }

    @Test
    void withoutEvaluationsOrTrainingTimeTheNumbersAreMissing() {
        DriftReport r = new DriftReport(DriftReports.classSplit(), "classes 0, 1", "classes 2, 3", 16, List.of(),
                List.of(), OptionalLong.empty(), 0, 0, "SIGINT", 0.5, 0, DriftReports.MACHINE, "test");
        assertThat(r.purityBeforeSwitch()).isNaN();
        assertThat(r.recoveryImages()).isEmpty();
        assertThat(r.trainImagesPerSecond()).isNaN();
    }

    @Test
    void aMachineDescribesAnUnknownCpu() {
        assertThat(DriftReports.MACHINE.describe()).isEqualTo("unknown CPU, 2 cores, Linux 6.1 amd64, JVM heap max "
                + "1024 MiB");
        assertThat(Machine.current().cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }
}
