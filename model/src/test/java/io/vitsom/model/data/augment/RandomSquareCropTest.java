package io.vitsom.model.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomSquareCropTest {

    @Test
    void windowSideIsUniformOverTheRangeAndTheWindowFits() {
        RandomSquareCrop crop = new RandomSquareCrop(3, 6);
        SplittableRandom rng = new SplittableRandom(5);
        Set<Integer> sides = new HashSet<>();
        Set<Integer> lefts = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            RandomSquareCrop.Window w = crop.sampleWindow(8, 8, rng);
            assertThat(w.side()).isBetween(3, 6);
            assertThat(w.top()).isBetween(0, 8 - w.side());
            assertThat(w.left()).isBetween(0, 8 - w.side());
            sides.add(w.side());
            lefts.add(w.left());
        }
        assertThat(sides).containsExactlyInAnyOrder(3, 4, 5, 6);
        assertThat(lefts).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    }

    @Test
    void largestSideIsClippedToTheImage() {
        RandomSquareCrop crop = new RandomSquareCrop(5, 100);
        SplittableRandom rng = new SplittableRandom(1);
        Set<Integer> sides = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            sides.add(crop.sampleWindow(6, 7, rng).side());
        }
        assertThat(sides).containsExactlyInAnyOrder(5, 6);
    }

    @Test
    void cropCoveringTheWholeImageIsAnExactCopy() {
        FloatImage image = TestImages.levels(3, 8, 8, 2);
        FloatImage out = new RandomSquareCrop(8, 8).apply(image, new SplittableRandom(0));
        assertThat(out.data()).containsExactly(image.data());
        assertThat(out.data()).isNotSameAs(image.data());
    }

    /**
     * On a horizontal ramp (value x / 7) a crop of side s holds values spanning (s - 1) / 7; upsampling it back
     * keeps every row within that span up to the bicubic overshoot at the crop's edges (well under half a
     * step), so a row's spread reveals the side: with sides 3 to 4 it is at most 3.5 / 7 and never zero.
     */
    @Test
    void rampShowsTheCropSideStaysInRange() {
        float[] data = new float[8 * 8];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                data[y * 8 + x] = x / 7f;
            }
        }
        FloatImage ramp = new FloatImage(1, 8, 8, data);
        RandomSquareCrop crop = new RandomSquareCrop(3, 4);
        SplittableRandom rng = new SplittableRandom(9);
        for (int i = 0; i < 50; i++) {
            FloatImage out = crop.apply(ramp, rng);
            TestImages.assertSameShape(out, ramp);
            TestImages.assertInUnitRange(out);
            for (int y = 0; y < 8; y++) {
                float min = Float.MAX_VALUE;
                float max = -Float.MAX_VALUE;
                for (int x = 0; x < 8; x++) {
                    min = Math.min(min, out.at(0, y, x));
                    max = Math.max(max, out.at(0, y, x));
                }
                assertThat(max - min).isGreaterThan(0f).isLessThanOrEqualTo(3.5f / 7);
            }
        }
    }

    @Test
    void sameSeedSameCrop() {
        FloatImage image = TestImages.levels(3, 10, 10, 4);
        RandomSquareCrop crop = new RandomSquareCrop(4, 9);
        assertThat(crop.apply(image, new SplittableRandom(3)).data())
                .containsExactly(crop.apply(image, new SplittableRandom(3)).data());
    }

    @Test
    void rejectsBadSides() {
        assertThatThrownBy(() -> new RandomSquareCrop(0, 4)).hasMessageContaining("minSide");
        assertThatThrownBy(() -> new RandomSquareCrop(5, 4)).hasMessageContaining("maxSide");
        FloatImage small = TestImages.levels(1, 4, 4, 0);
        assertThatThrownBy(() -> new RandomSquareCrop(5, 6).apply(small, new SplittableRandom(0)))
                .hasMessage("minSide 5 does not fit in a 4x4 image");
    }
}
