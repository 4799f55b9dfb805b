package io.vitsom.model.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomGrayscaleTest {

    @Test
    void alwaysConvertingWritesTheLumaToEveryChannel() {
        // One pixel per colour: red, green, blue, (0.2, 0.4, 0.6).
        // luma = 0.299 R + 0.587 G + 0.114 B: 0.299, 0.587, 0.114, 0.0598 + 0.2348 + 0.0684 = 0.363
        float[] data = {
            1f, 0f, 0f, 0.2f,
            0f, 1f, 0f, 0.4f,
            0f, 0f, 1f, 0.6f,
        };
        FloatImage out = new RandomGrayscale(1.0).apply(new FloatImage(3, 2, 2, data), new SplittableRandom(0));
        float[] expected = {0.299f, 0.587f, 0.114f, 0.363f};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 4; i++) {
                assertThat(out.data()[c * 4 + i]).isCloseTo(expected[i], within(1e-6f));
            }
        }
    }

    @Test
    void neverConvertingIsTheIdentity() {
        FloatImage image = TestImages.levels(3, 4, 4, 1);
        FloatImage out = new RandomGrayscale(0.0).apply(image, new SplittableRandom(0));
        assertThat(out.data()).containsExactly(image.data());
    }

    @Test
    void oneChannelImageIsLeftUnchanged() {
        FloatImage image = TestImages.levels(1, 4, 4, 1);
        FloatImage out = new RandomGrayscale(1.0).apply(image, new SplittableRandom(0));
        assertThat(out.data()).containsExactly(image.data());
    }

    @Test
    void halfProbabilityConvertsSomeImages() {
        FloatImage image = TestImages.levels(3, 4, 4, 7);
        RandomGrayscale gray = new RandomGrayscale(0.5);
        SplittableRandom rng = new SplittableRandom(2);
        int converted = 0;
        for (int i = 0; i < 100; i++) {
            FloatImage out = gray.apply(image, rng);
            if (out.at(0, 0, 0) == out.at(1, 0, 0) && out.at(1, 0, 0) == out.at(2, 0, 0)) {
                converted++;
            }
        }
        assertThat(converted).isBetween(30, 70);
    }

    @Test
    void rejectsProbabilityOutsideUnitInterval() {
        assertThatThrownBy(() -> new RandomGrayscale(-0.1)).hasMessage("probability must be in [0, 1], got -0.1");
    }
}
