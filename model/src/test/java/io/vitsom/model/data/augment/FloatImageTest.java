package io.vitsom.model.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FloatImageTest {
    @Test
    void indexesInChwOrder() {
        FloatImage image = TestImages.ramp(2, 3, 4);
        assertThat(image.index(1, 2, 3)).isEqualTo(23);
        assertThat(image.at(1, 0, 0)).isEqualTo(12f / 23f);
        assertThat(image.shape()).isEqualTo("2x3x4");
    }

    @Test
    void rejectsDataOfTheWrongLength() {
        assertThatThrownBy(() -> new FloatImage(3, 2, 2, new float[11]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data has 11 values, expected 12 for 3x2x2");
        assertThatThrownBy(() -> new FloatImage(0, 2, 2, new float[0]))
                .hasMessageContaining("image shape must be positive");
    }

    @Test
    void copyDoesNotShareTheArray() {
        FloatImage image = TestImages.ramp(1, 2, 2);
        FloatImage copy = image.copy();
        copy.data()[0] = 0.5f;
        assertThat(image.data()[0]).isZero();
    }
}
