package io.vitsom.bench.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftJsonTest {
    @Test
    void aCompleteSwitchHasItsHeadlineNumbers() {
        JsonNode json = DriftJson.of(DriftReports.complete(DriftReports.DETECTIONS));
        assertThat(json.path("complete").asBoolean()).isTrue();
        assertThat(json.has("stop_reason")).isFalse();
        assertThat(json.path("switch_at_images").asLong()).isEqualTo(2000);
        assertThat(json.path("detected_at_images").asLong()).isEqualTo(2300);
        assertThat(json.path("detection_delay_images").asLong()).isEqualTo(300);
        assertThat(json.path("false_alarms_before_switch").asLong()).isEqualTo(2);
        assertThat(json.path("purity_before_switch").asDouble()).isEqualTo(0.90);
        assertThat(json.path("purity_new_classes_after").asDouble()).isEqualTo(0.88);
        assertThat(json.path("purity_old_classes_after").asDouble()).isEqualTo(0.60);
        assertThat(json.path("old_class_drop").asDouble()).isCloseTo(0.30, offset(1e-12));
        assertThat(json.path("recovery_images").asLong()).isEqualTo(2000);
        assertThat(json.path("train_images_per_second").asDouble()).isEqualTo(500);
        assertThat(json.path("fresh_images_per_step").asInt()).isEqualTo(8);
        assertThat(json.path("plasticity").asText()).isEqualTo("on");
        assertThat(json.path("plasticity_answer").path("temperature_factor").asDouble()).isEqualTo(4);
        assertThat(json.path("plasticity_answer").path("learning_rate_factor").asDouble()).isEqualTo(10);
        assertThat(json.path("plasticity_answer").path("anneal_images").asLong()).isEqualTo(20_000);
        assertThat(json.path("limit").isNull()).isTrue();
        assertThat(json.path("to").isNull()).isTrue();
        assertThat(json.path("machine").path("cpu").isNull()).isTrue();
        assertThat(json.path("machine").path("max_heap_mb").asLong()).isEqualTo(1024);
    }

    @Test
    void missingValuesAreNull() {
        JsonNode json = DriftJson.of(DriftReports.complete(DriftReports.DETECTIONS));
        JsonNode series = json.path("series");
        assertThat(series.path("images")).extracting(JsonNode::asLong).containsExactly(1000L, 2000L, 3000L, 4000L);
        assertThat(series.path("quantization_error").get(0).isNull()).isTrue();
        assertThat(series.path("quantization_error").get(1).asDouble()).isEqualTo(0.40);
        assertThat(series.path("rehearsed_share").get(0).isNull()).isTrue();
        assertThat(series.path("learning_rate").get(0).asDouble()).isEqualTo(1e-4);
        JsonNode detections = json.path("detections");
        assertThat(detections).hasSize(4);
        assertThat(detections.get(0).path("magnitude").asDouble()).isEqualTo(1.25);
        assertThat(detections.get(3).path("magnitude").isNull()).isTrue();
        assertThat(detections.get(3).path("series").asText()).isEqualTo("hit_map_js");
    }

    @Test
    void aStoppedRunSaysWhyAndHasNoEndValues() {
        JsonNode json = DriftJson.of(DriftReports.stopped());
        assertThat(json.path("complete").asBoolean()).isFalse();
        assertThat(json.path("stop_reason").asText()).isEqualTo("SIGTERM");
        assertThat(json.path("images_streamed").asLong()).isEqualTo(3000);
        for (String key : List.of("purity_new_classes_after", "purity_old_classes_after", "old_class_drop",
                "recovery_images")) {
            assertThat(json.path(key).isNull()).as(key).isTrue();
        }
    }

    @Test
    void aStationaryStreamListsEveryDetectionAndHasNoSwitch() {
        JsonNode json = DriftJson.of(DriftReports.stationary(DriftReports.DETECTIONS, OptionalLong.empty(), 0));
        assertThat(json.path("switch_at_images").isNull()).isTrue();
        assertThat(json.path("detected_at_images")).extracting(JsonNode::asLong)
                .containsExactly(1500L, 2000L, 2300L, 2600L);
        assertThat(json.path("detection_delay_images").isNull()).isTrue();
        assertThat(json.path("armed_at_images").isNull()).isTrue();
        assertThat(json.path("false_alarms_before_switch").asLong()).isEqualTo(4);
        assertThat(json.path("limit").asInt()).isEqualTo(5000);
        assertThat(json.path("fresh_images_per_step").asInt()).isEqualTo(16);
        assertThat(json.path("new_group").isNull()).isTrue();
    }

    @Test
    void writeIndentsTheTree(@TempDir Path tmp) throws Exception {
        DriftReport report = DriftReports.complete(DriftReports.DETECTIONS);
        Path file = tmp.resolve("drift.json");
        DriftJson.write(report, file);
        assertThat(Files.readString(file)).startsWith("{\n  \"scenario\" : \"class-split\",\n  \"data\" : ")
                .isEqualTo(DriftJson.JSON.writeValueAsString(DriftJson.of(report)));
    }
}
