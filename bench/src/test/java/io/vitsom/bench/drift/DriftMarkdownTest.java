package io.vitsom.bench.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DriftMarkdownTest {
    @Test
    void aSwitchHasItsResultRowsSettingsDetectionsAndEvaluations() {
        String md = DriftMarkdown.of(DriftReports.complete(DriftReports.DETECTIONS));
        assertThat(md).startsWith("# Drift benchmark: class-split on mnist\n\nA stream of 4,000 fresh images: 2,000 of "
                        + "classes 0, 1 (old), then 2,000 of classes 2, 3 (new). ")
                .contains("every 1,000 images. Each step gets 8 fresh images (half the batch of 16) and the rehearsal "
                        + "reservoir fills the rest")
                .contains("| Result | Value |\n| :--- | ---: |\n"
                        + "| Change detected at (images since the start) | 2,300 (delay 300) |\n"
                        + "| False alarms before the switch | 2 |\n"
                        + "| Purity of the old group before the switch | 0.900 |\n"
                        + "| Purity of the new group at the end | 0.880 |\n"
                        + "| Purity of the old group at the end (drop) | 0.600 (0.300) |\n"
                        + "| Recovery: images after the switch until the new group is within 0.03 of the old group's "
                        + "purity before it | 2,000 |\n"
                        + "| Detectors armed after (fresh images streamed); images they watched before the switch "
                        + "| 1,000; 1,000 |\n"
                        + "| Wall time (training alone; training images/s) | 10 s (8 s; 500) |\n")
                .contains("| Plasticity / rehearsal / quarantine | on / on / off |\n"
                        + "| Plasticity answer | temperature x4, learning rate x10, back to x1 over 20,000 fresh images |\n"
                        + "| Organisation horizon (detectors arm at its end) | 800 images |\n"
                        + "| Batch (fresh images per step) | 16 (8) |\n| Seed | 3 |\n"
                        + "| Config | `" + DriftReports.CONFIG + "` |\n| Data | `" + DriftReports.DATA + "` |\n"
                        + "| Machine | unknown CPU, 2 cores, Linux 6.1 amd64, JVM heap max 1024 MiB |\n"
                        + "| Code | test |\n")
                .contains("| 1,500 | quantization_error | page_hinkley | 1.250 |\n")
                .contains("| 2,600 | hit_map_js | page_hinkley | NaN |\n")
                .contains("| Images | Purity old | Purity new | QE | TE | Temperature | Learning rate | Plasticity "
                        + "| Rehearsed | Wall s |\n")
                // Missing values are dashes; the learning rate is scientific.
                .contains("| 1,000 | 0.800 | 0.100 | - | 0.050 | 2.000 | 1.00e-04 | 0.000 | - | 3 |\n")
                .contains("| 4,000 | 0.600 | 0.880 | 0.500 | 0.060 | 1.100 | 6.00e-05 | 0.200 | 0.500 | 10 |\n")
                .doesNotContain("Limit").doesNotContain("Incomplete");
    }

    @Test
    void aSwitchWithoutADetectionSaysSo() {
        assertThat(DriftMarkdown.of(DriftReports.complete(List.of())))
                .contains("| Change detected at (images since the start) | not detected |")
                .contains("| False alarms before the switch | 0 |").doesNotContain("Detections:");
    }

    @Test
    void aStoppedRunIsMarkedIncompleteAndHasNoEndValues() {
        assertThat(DriftMarkdown.of(DriftReports.stopped()))
                .contains("**Incomplete** (SIGTERM): stopped after 3,000 of 4,000 fresh images; the numbers at the "
                        + "end are missing")
                .contains("| Purity of the new group at the end | - |\n")
                .contains("| Purity of the old group at the end (drop) | - |\n")
                .contains("purity before it | not within this run |\n")
                .contains("| Wall time (training alone; training images/s) | 10 s (8 s; 375) |\n");
    }

    @Test
    void aStationaryStreamHeadlinesItsFalseAlarmsAndHasOnePurityColumn() {
        String md = DriftMarkdown.of(DriftReports.stationary(DriftReports.DETECTIONS.subList(0, 1),
                OptionalLong.of(1000), 3000));
        assertThat(md).startsWith("# Drift benchmark: stationary on mnist\n\nA stationary stream of 4,000 fresh "
                        + "images of all 4 classes of mnist, shuffled")
                .contains("Each step gets a full batch of 16 fresh images (rehearsal off).")
                .contains("**1 false alarm in 3,000 armed stationary images** (the images the armed detectors "
                        + "watched, their calibration included: they armed after 1,000 fresh images, when the "
                        + "organisation horizon of 800 trained images was over).")
                .contains("| False alarms (every detection: the stream does not change) | 1 |\n"
                        + "| Detectors armed after (fresh images streamed); images they watched | 1,000; 3,000 |\n"
                        + "| Purity at the end, all classes (`purity_before_switch` in drift.json) | 0.600 |\n")
                .contains("| Plasticity / rehearsal / quarantine | on / off / off |\n")
                .contains("| Batch (fresh images per step) | 16 (16) |\n")
                .contains("| Limit (first images of each training split) | 5,000 |\n")
                .contains("| Images | Purity | QE |")
                .contains("| 1,000 | 0.800 | - | 0.050 |")
                .doesNotContain("Recovery").doesNotContain("Purity new");
    }

    @Test
    void aStationaryStreamWhoseDetectorsNeverArmedSaysWhy() {
        assertThat(DriftMarkdown.of(DriftReports.stationary(List.of(), OptionalLong.empty(), 0)))
                .contains("**0 false alarms in 0 armed stationary images** (the detectors never armed: the "
                        + "organisation horizon of 800 trained images was not over; stream more --images).")
                .contains("| Detectors armed after (fresh images streamed); images they watched | never |")
                .doesNotContain("Detections:");
    }

    @Test
    void aDatasetSwitchNamesBothDatasets() {
        Path to = Path.of("data", "fashion-mnist");
        DriftSettings settings = new DriftSettings(DriftScenario.Kind.DATASET_SWITCH, DriftReports.DATA, to,
                DriftReports.CONFIG, 4000, 2000, 800, 1000, 50, 3, null, DriftReports.PLASTICITY_ON, true, false);
        String md = DriftMarkdown.of(DriftReports.report(settings, DriftReports.POINTS, List.of(),
                OptionalLong.empty(), 0, 4000, null));
        assertThat(md).startsWith("# Drift benchmark: dataset-switch on mnist → fashion-mnist\n")
                .contains("| Data | `" + DriftReports.DATA + "` then `" + to + "` |");
    }
}
