package io.vitsom.model.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ColorJitterTest {

    @Test
    void zeroStrengthsAreTheIdentity() {
        FloatImage image = TestImages.levels(3, 5, 5, 1);
        FloatImage out = new ColorJitter(0, 0, 0, 0).apply(image, new SplittableRandom(0));
        assertThat(out.data()).containsExactly(image.data()).isNotSameAs(image.data());
    }

    @Test
    void brightnessMultipliesEveryValueByOneFactorInRange() {
        // Values in (0, 0.5]: a factor up to 1.4 never clips, so out / in is the factor everywhere.
        FloatImage image = positiveHalfRange(3, 4, 4, 2);
        ColorJitter jitter = new ColorJitter(0.4, 0, 0, 0);
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 20; trial++) {
            FloatImage out = jitter.apply(image, rng);
            double factor = out.data()[0] / image.data()[0];
            assertThat(factor).isBetween(0.6 - 1e-6, 1.4 + 1e-6);
            for (int i = 0; i < image.data().length; i++) {
                assertThat((double) out.data()[i]).isCloseTo(image.data()[i] * factor, within(1e-5));
            }
        }
    }

    @Test
    void contrastIsAnAffineBlendAroundOneGrayLevel() {
        // Values in [0.3, 0.7] around a mean near 0.5 and factors in [0.5, 1.5] never clip, so
        // out = mean + f (in - mean): every pair of pixels has the same slope f.
        float[] data = new float[16];
        SplittableRandom values = new SplittableRandom(4);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (0.3 + 0.4 * values.nextDouble());
        }
        FloatImage image = new FloatImage(1, 4, 4, data);
        FloatImage out = new ColorJitter(0, 0.5, 0, 0).apply(image, new SplittableRandom(8));
        double slope = (out.data()[1] - out.data()[0]) / (double) (data[1] - data[0]);
        assertThat(slope).isBetween(0.5 - 1e-4, 1.5 + 1e-4);
        for (int i = 1; i < data.length; i++) {
            assertThat((double) out.data()[i] - out.data()[0])
                    .isCloseTo(slope * (data[i] - data[0]), within(1e-5));
        }
    }

    @Test
    void saturationAndHueAreNoOpsOnOneChannel() {
        FloatImage image = TestImages.levels(1, 5, 5, 6);
        FloatImage out = new ColorJitter(0, 0, 0.9, 0.5).apply(image, new SplittableRandom(1));
        assertThat(out.data()).containsExactly(image.data());
    }

    @Test
    void hueShiftRotatesHandPickedColours() {
        // Pixels: red (1, 0, 0), orange (1, 0.5, 0), gray (0.3, 0.3, 0.3).
        FloatImage image = new FloatImage(3, 1, 3, new float[] {1f, 1f, 0.3f, 0f, 0.5f, 0.3f, 0f, 0f, 0.3f});
        // Red has hue 0; + 1/3 is green (0, 1, 0).
        FloatImage third = ColorJitter.adjustHue(image, 1.0 / 3);
        assertThat(pixel(third, 0)).containsExactly(new float[] {0f, 1f, 0f}, within(1e-6f));
        // Orange has hue 30 deg = 1/12; + 1/2 is 210 deg: v = 1, s = 1, sector 3, f = 0.5 -> (0, 0.5, 1).
        FloatImage half = ColorJitter.adjustHue(image, 0.5);
        assertThat(pixel(half, 1)).containsExactly(new float[] {0f, 0.5f, 1f}, within(1e-6f));
        // Gray has no saturation: any shift leaves it alone.
        assertThat(pixel(half, 2)).containsExactly(new float[] {0.3f, 0.3f, 0.3f}, within(1e-6f));
    }

    @Test
    void zeroHueShiftRoundTripsThroughHsv() {
        FloatImage image = TestImages.levels(3, 6, 6, 9);
        FloatImage out = ColorJitter.adjustHue(image, 0.0);
        assertThat(out.data()).containsExactly(image.data(), within(1e-6f));
    }

    @Test
    void strongJitterStaysInUnitRangeAndIsReproducible() {
        FloatImage image = TestImages.levels(3, 6, 6, 5);
        ColorJitter jitter = new ColorJitter(2, 2, 2, 0.5);
        SplittableRandom a = new SplittableRandom(12);
        SplittableRandom b = new SplittableRandom(12);
        int changed = 0;
        for (int i = 0; i < 20; i++) {
            FloatImage out = jitter.apply(image, a);
            TestImages.assertInUnitRange(out);
            assertThat(out.data()).containsExactly(jitter.apply(image, b).data());
            if (!java.util.Arrays.equals(out.data(), image.data())) {
                changed++;
            }
        }
        assertThat(changed).isEqualTo(20);
    }

    @Test
    void rejectsBadStrengthsNamingTheField() {
        assertThatThrownBy(() -> new ColorJitter(-1, 0, 0, 0)).hasMessageStartingWith("brightness");
        assertThatThrownBy(() -> new ColorJitter(0, Double.NaN, 0, 0)).hasMessageStartingWith("contrast");
        assertThatThrownBy(() -> new ColorJitter(0, 0, -0.5, 0)).hasMessageStartingWith("saturation");
        assertThatThrownBy(() -> new ColorJitter(0, 0, 0, 0.6)).hasMessage("hue must be in [0, 0.5], got 0.6");
    }

    private static float[] pixel(FloatImage image, int x) {
        return new float[] {image.at(0, 0, x), image.at(1, 0, x), image.at(2, 0, x)};
    }

    private static FloatImage positiveHalfRange(int c, int h, int w, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] data = new float[c * h * w];
        for (int i = 0; i < data.length; i++) {
            data[i] = (1 + random.nextInt(127)) / 255f;
        }
        return new FloatImage(c, h, w, data);
    }
}
