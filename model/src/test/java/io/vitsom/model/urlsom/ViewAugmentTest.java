package io.vitsom.model.urlsom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ViewAugmentTest {

    @Test
    void paperSettingMatchesSectionVA() {
        ViewAugment paper = ViewAugment.paper();
        assertThat(paper).isEqualTo(new ViewAugment(22, 32, 0.5, 0.4, 0.4, 0.4, 0.4, 0.8, 0.5));
        assertThat(paper.withoutFlip().horizontalFlip()).isZero();
        assertThat(paper.withoutFlip().cropMin()).isEqualTo(22);
        assertThat(ViewAugment.identity(8)).isEqualTo(new ViewAugment(8, 8, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void rejectsEachBadFieldByName() {
        assertThatThrownBy(() -> new ViewAugment(0, 4, 0, 0, 0, 0, 0, 0, 0)).hasMessage("cropMin must be >= 1, got 0");
        assertThatThrownBy(() -> new ViewAugment(5, 4, 0, 0, 0, 0, 0, 0, 0))
                .hasMessage("cropMax must be >= cropMin (5), got 4");
        assertThatThrownBy(() -> new ViewAugment(1, 4, 1.5, 0, 0, 0, 0, 0, 0))
                .hasMessage("horizontalFlip must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> new ViewAugment(1, 4, 0, -0.1, 0, 0, 0, 0, 0))
                .hasMessage("brightness must be finite and >= 0, got -0.1");
        assertThatThrownBy(() -> new ViewAugment(1, 4, 0, 0, Double.NaN, 0, 0, 0, 0))
                .hasMessage("contrast must be finite and >= 0, got NaN");
        assertThatThrownBy(() -> new ViewAugment(1, 4, 0, 0, 0, -1, 0, 0, 0))
                .hasMessage("saturation must be finite and >= 0, got -1.0");
        assertThatThrownBy(() -> new ViewAugment(1, 4, 0, 0, 0, 0, 0.51, 0, 0))
                .hasMessage("hue must be in [0, 0.5], got 0.51");
        assertThatThrownBy(() -> new ViewAugment(1, 4, 0, 0, 0, 0, -0.1, 0, 0))
                .hasMessage("hue must be in [0, 0.5], got -0.1");
        assertThatThrownBy(() -> new ViewAugment(1, 4, 0, 0, 0, 0, 0, -0.2, 0))
                .hasMessage("colorJitterP must be in [0, 1], got -0.2");
        assertThatThrownBy(() -> new ViewAugment(1, 4, 0, 0, 0, 0, 0, 0, 2))
                .hasMessage("grayscaleP must be in [0, 1], got 2.0");
    }
}
