package io.vitsom.model.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomErasingTest {
    private final FloatImage image = TestImages.constant(3, 6, 6, 0.5f);

    @Test
    void alwaysErasingReplacesExactlyOneBoxInEveryChannel() {
        RandomErasing erasing = new RandomErasing(1.0, 0.02, 1.0 / 3.0, 0.3);
        for (long seed = 0; seed < 20; seed++) {
            FloatImage out = erasing.apply(image, new SplittableRandom(seed));
            TestImages.assertSameShape(out, image);
            int top = 6;
            int left = 6;
            int bottom = -1;
            int right = -1;
            int changed = 0;
            for (int y = 0; y < 6; y++) {
                for (int x = 0; x < 6; x++) {
                    if (out.at(0, y, x) != 0.5f) {
                        top = Math.min(top, y);
                        bottom = Math.max(bottom, y);
                        left = Math.min(left, x);
                        right = Math.max(right, x);
                        changed++;
                    }
                }
            }
            assertThat(changed).as("seed %d erases something", seed).isPositive();
            int boxH = bottom - top + 1;
            int boxW = right - left + 1;
            // Changed pixels fill their bounding box (standard-normal values never hit 0.5 exactly) ...
            assertThat(changed).isEqualTo(boxH * boxW);
            // ... the box is strictly smaller than the image, like timm's w < img_w and h < img_h ...
            assertThat(boxH).isLessThan(6);
            assertThat(boxW).isLessThan(6);
            // ... and every channel has the same box, with independent noise.
            for (int c = 1; c < 3; c++) {
                for (int y = 0; y < 6; y++) {
                    for (int x = 0; x < 6; x++) {
                        boolean inBox = y >= top && y <= bottom && x >= left && x <= right;
                        assertThat(out.at(c, y, x) != 0.5f).isEqualTo(inBox);
                    }
                }
            }
            assertThat(out.at(1, top, left)).isNotEqualTo(out.at(0, top, left));
        }
    }

    @Test
    void neverErasingIsTheIdentity() {
        FloatImage out = new RandomErasing(0.0, 0.02, 1.0 / 3.0, 0.3).apply(image, new SplittableRandom(3));
        assertThat(out.data()).containsExactly(image.data());
    }

    @Test
    void sameSeedGivesSameOutputAndSeedsDiffer() {
        RandomErasing erasing = new RandomErasing(1.0, 0.02, 1.0 / 3.0, 0.3);
        FloatImage a = erasing.apply(image, new SplittableRandom(21));
        assertThat(a.data()).containsExactly(erasing.apply(image, new SplittableRandom(21)).data());
        assertThat(a.data()).isNotEqualTo(erasing.apply(image, new SplittableRandom(22)).data());
    }

    @Test
    void referenceProbabilityErasesAboutAQuarter() {
        RandomErasing erasing = RandomErasing.reference();
        SplittableRandom rng = new SplittableRandom(5);
        int erased = 0;
        for (int i = 0; i < 400; i++) {
            if (!java.util.Arrays.equals(erasing.apply(image, rng).data(), image.data())) {
                erased++;
            }
        }
        assertThat(erased).isBetween(60, 140);
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new RandomErasing(-0.1, 0.02, 0.3, 0.3)).hasMessageContaining("probability");
        assertThatThrownBy(() -> new RandomErasing(0.25, 0.5, 0.3, 0.3)).hasMessageContaining("area must satisfy");
        assertThatThrownBy(() -> new RandomErasing(0.25, 0.02, 0.3, 2)).hasMessageContaining("aspectMin");
    }
}
