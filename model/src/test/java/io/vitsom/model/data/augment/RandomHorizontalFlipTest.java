package io.vitsom.model.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomHorizontalFlipTest {
    private final FloatImage image = TestImages.ramp(3, 4, 4);

    @Test
    void alwaysFlippingReversesEveryRow() {
        FloatImage out = new RandomHorizontalFlip(1.0).apply(image, new SplittableRandom(0));
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    assertThat(out.at(c, y, x)).isEqualTo(image.at(c, y, 3 - x));
                }
            }
        }
    }

    @Test
    void neverFlippingIsTheIdentity() {
        FloatImage out = new RandomHorizontalFlip(0.0).apply(image, new SplittableRandom(0));
        assertThat(out.data()).containsExactly(image.data());
    }

    @Test
    void halfProbabilityFlipsSomeImagesAndIsReproducible() {
        RandomHorizontalFlip flip = new RandomHorizontalFlip(0.5);
        SplittableRandom a = new SplittableRandom(11);
        SplittableRandom b = new SplittableRandom(11);
        int flipped = 0;
        for (int i = 0; i < 100; i++) {
            FloatImage x = flip.apply(image, a);
            assertThat(x.data()).containsExactly(flip.apply(image, b).data());
            if (x.data()[0] != image.data()[0]) {
                flipped++;
            }
        }
        assertThat(flipped).isBetween(30, 70);
    }

    @Test
    void rejectsProbabilityOutsideUnitInterval() {
        assertThatThrownBy(() -> new RandomHorizontalFlip(1.5))
                .hasMessage("probability must be in [0, 1], got 1.5");
    }
}
