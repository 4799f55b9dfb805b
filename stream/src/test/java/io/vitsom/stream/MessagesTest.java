package io.vitsom.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagesTest {
    @Test
    void bmuIsSnakeCaseJsonWithoutNullLabel() {
        String json = new String(Messages.toJson(new Messages.Bmu(5, 1, 2, 0.25, 3, 1000, null, null)),
                StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"unit\":5,\"row\":1,\"col\":2,\"distance\":0.25,\"model_version\":3,"
                + "\"event_time\":1000}");
        assertThat(Messages.fromJson(json.getBytes(StandardCharsets.UTF_8), Messages.Bmu.class))
                .isEqualTo(new Messages.Bmu(5, 1, 2, 0.25, 3, 1000, null, null));
    }

    @Test
    void servingBmuCarriesTheSecondUnit() {
        String json = new String(Messages.toJson(new Messages.Bmu(5, 1, 2, 0.25, 3, 1000, "7", 6)),
                StandardCharsets.UTF_8);
        assertThat(json).endsWith("\"label\":\"7\",\"second_unit\":6}");
    }

    @Test
    void prototypeVectorRoundTripsThroughBase64() {
        float[] v = {1.5f, -2f, 0f, Float.MIN_VALUE};
        Messages.Prototype p = Messages.Prototype.of(7, 1, 3, 2, v, new byte[] {1, 2});
        String json = new String(Messages.toJson(p), StandardCharsets.UTF_8);
        assertThat(json).contains("\"vector_f32\":").contains("\"image_png\":\"AQI=\"").doesNotContain("\"vector\"");
        Messages.Prototype back = Messages.fromJson(json.getBytes(StandardCharsets.UTF_8), Messages.Prototype.class);
        assertThat(back.vector()).containsExactly(v);
        assertThat(back.dim()).isEqualTo(4);
    }

    @Test
    void modelVersionKeepsOffsetsAndToleratesNewFields() {
        Messages.ModelVersion m = new Messages.ModelVersion(4, 100, 1600, "/ckpt/v000004", "2026-01-01T00:00:00Z",
                "abc", 0, 40, 40, "square", Map.of("images.valid-0", 800L));
        byte[] json = Messages.toJson(m);
        assertThat(Messages.fromJson(json, Messages.ModelVersion.class)).isEqualTo(m);
        String newer = new String(json, StandardCharsets.UTF_8).replaceFirst("\\{", "{\"added_later\":1,");
        assertThat(Messages.fromJson(newer.getBytes(StandardCharsets.UTF_8), Messages.ModelVersion.class))
                .isEqualTo(m);
    }

    @Test
    void modelVersionCarriesPrototypeDriftAsSnakeCaseFieldsLeftOutWhenUnknown() {
        Messages.ModelVersion first = new Messages.ModelVersion(1, 10, 160, "/ckpt/v000001", "2026-01-01T00:00:00Z",
                "abc", 0, 4, 4, "square", Map.of());
        Messages.ModelVersion second = new Messages.ModelVersion(2, 20, 320, "/ckpt/v000002", "2026-01-01T00:01:00Z",
                "abc", 0, 4, 4, "square", Map.of(), 0.125, 0.5);
        String firstJson = new String(Messages.toJson(first), StandardCharsets.UTF_8);
        String secondJson = new String(Messages.toJson(second), StandardCharsets.UTF_8);

        assertThat(first.driftMean()).isNull();
        assertThat(first.driftMax()).isNull();
        assertThat(firstJson).doesNotContain("drift");
        assertThat(secondJson).contains("\"drift_mean\":0.125,\"drift_max\":0.5");
        assertThat(Messages.fromJson(firstJson.getBytes(StandardCharsets.UTF_8), Messages.ModelVersion.class))
                .isEqualTo(first);
        assertThat(Messages.fromJson(secondJson.getBytes(StandardCharsets.UTF_8), Messages.ModelVersion.class))
                .isEqualTo(second);
    }

    @Test
    void garbageIsAClearError() {
        assertThatThrownBy(() -> Messages.fromJson("nope".getBytes(StandardCharsets.UTF_8), Messages.Bmu.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid Bmu");
    }
}
