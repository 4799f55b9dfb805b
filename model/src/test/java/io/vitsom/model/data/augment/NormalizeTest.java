package io.vitsom.model.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NormalizeTest {
    @Test
    void subtractsTheMeanAndDividesByTheStdPerChannel() {
        FloatImage image = new FloatImage(2, 1, 2, new float[] {0f, 1f, 0.5f, 0.25f});
        FloatImage out = new Normalize(new double[] {0.5, 0.25}, new double[] {0.5, 0.25}).apply(image);
        assertThat(out.data()).containsExactly(-1f, 1f, 1f, 0f);
    }

    @Test
    void cifarConstantsAreTheReferenceValues() {
        assertThat(Normalize.CIFAR_MEAN).containsExactly(0.4914, 0.4822, 0.4465);
        assertThat(Normalize.CIFAR_STD).containsExactly(0.2023, 0.1994, 0.2010);
        FloatImage mean = new FloatImage(3, 1, 1, new float[] {0.4914f, 0.4822f, 0.4465f});
        for (float v : Normalize.cifar().apply(mean).data()) {
            assertThat(v).isCloseTo(0f, within(1e-6f));
        }
    }

    @Test
    void rejectsChannelMismatchAndNonPositiveStd() {
        assertThatThrownBy(() -> Normalize.cifar().apply(TestImages.ramp(1, 2, 2)))
                .hasMessage("image 1x2x2 has 1 channels, normalisation has 3");
        assertThatThrownBy(() -> new Normalize(new double[] {0}, new double[] {0})).hasMessageContaining("std");
    }
}
