package io.vitsom.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitsom.app.ColdStartReport.Sample;
import io.vitsom.model.adapt.AdaptationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColdStartReportTest {
    private static final ColdStartReport.Header HEADER = new ColdStartReport.Header("mnist", "cfg.yaml", 100, 300_000,
            AdaptationConfig.defaults(), 128, "test machine", "test", "2026-12-07T00:00:00Z");

    // Sample(seconds, purity, windowImages, fresh, rehearsed, version, temperature)
    private static final List<Sample> SAMPLES = List.of(
            new Sample(60, 0.95, 500, 6_000, 12_000, 1, 10),      // pure by chance: the window is not full
            new Sample(120, 0.60, 2_000, 12_000, 30_000, 1, 5),
            new Sample(180, 0.86, 2_000, 18_000, 50_000, 2, 2),
            new Sample(240, 0.89, 2_000, 24_000, 70_000, 3, 1),
            new Sample(300, 0.91, 2_000, 30_000, 90_000, 4, 0.5));

    @Test
    void goalsCountOnlyFullWindowsAndCarryTheImagesTrainedByThen() {
        ColdStartReport report = new ColdStartReport(SAMPLES, HEADER);
        assertEquals(180, report.first(0.85).orElseThrow().seconds());
        assertEquals(300, report.first(0.90).orElseThrow().seconds());
        assertTrue(report.first(0.95).isEmpty(), "the 0.95 at 60 s had 500 images in its window");

        JsonNode json = report.json();
        assertEquals(180, json.get("seconds_to_purity_0_85").asDouble());
        assertEquals(68_000, json.get("images_trained_at_purity_0_85").asLong());
        assertEquals(18_000, json.get("fresh_images_at_purity_0_85").asLong());
        assertEquals(120_000, json.get("images_trained_at_purity_0_90").asLong());
        assertEquals(5, json.get("samples").size());
    }

    @Test
    void aGoalNotReachedIsNullAndSaidSo() {
        ColdStartReport report = new ColdStartReport(SAMPLES.subList(0, 3), HEADER);
        JsonNode json = report.json();
        assertTrue(json.get("seconds_to_purity_0_90").isNull());
        assertTrue(json.get("images_trained_at_purity_0_90").isNull());
        assertTrue(report.markdown().contains("| 0.90 | not reached | - | - |"), report.markdown());
    }

    @Test
    void markdownListsTheGoalsAndThePurityAtWholeMinutesOfTheRun() {
        String md = new ColdStartReport(SAMPLES, HEADER).markdown();
        assertTrue(md.contains("| 0.85 | 180 | 68,000 (18,000 + 50,000) | 2 |"), md);
        assertTrue(md.contains("| 0.90 | 300 | 120,000 (30,000 + 90,000) | 4 |"), md);
        assertTrue(md.contains("| 2 | 0.600 | 42,000 |"), md);
        assertTrue(md.contains("| 5 | 0.910 | 120,000 |"), md);
        assertTrue(!md.contains("| 6 |"), "the run lasted 5 minutes: " + md);
        // A run whose last sample lands just before a whole minute still reports that minute.
        List<Sample> shortOfFive = List.of(SAMPLES.get(3), new Sample(299.99, 0.91, 2_000, 30_000, 90_000, 4, 0.5));
        assertTrue(new ColdStartReport(shortOfFive, HEADER).markdown().contains("| 5 | 0.910 | 120,000 |"));
    }

    @Test
    void writesTheThreeFiles(@TempDir Path out) throws Exception {
        new ColdStartReport(SAMPLES, HEADER).write(out);
        JsonNode json = new ObjectMapper().readTree(out.resolve("coldstart.json").toFile());
        assertEquals("test machine", json.get("machine").asText());
        assertTrue(Files.readString(out.resolve("coldstart.md")).startsWith("# Cold start"));
        assertTrue(Files.size(out.resolve("coldstart.png")) > 1_000);
    }
}
