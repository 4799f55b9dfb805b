package io.vitsom.model.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PixelOpsTest {
    private static FloatImage levelsImage(int h, int w, int... levels) {
        float[] data = new float[levels.length];
        for (int i = 0; i < levels.length; i++) {
            data[i] = levels[i] / 255f;
        }
        return new FloatImage(1, h, w, data);
    }

    private static int[] levelsOf(FloatImage image) {
        int[] out = new int[image.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = PixelOps.toLevel(image.data()[i]);
        }
        return out;
    }

    @Test
    void posterizeToFourBitsClearsTheLowNibble() {
        FloatImage out = PixelOps.posterize(levelsImage(1, 4, 0, 15, 200, 255), 4);
        assertThat(levelsOf(out)).containsExactly(0, 0, 192, 240);
        assertThat(out.data()[2]).isEqualTo(192 / 255f);
    }

    @Test
    void solarizeInvertsLevelsAtOrAboveTheThreshold() {
        FloatImage out = PixelOps.solarize(levelsImage(1, 4, 100, 127, 128, 200), 128);
        assertThat(levelsOf(out)).containsExactly(100, 127, 127, 55);
        // The reference's magnitude-9 threshold 178.5 inverts 179 but not 178.
        assertThat(levelsOf(PixelOps.solarize(levelsImage(1, 2, 178, 179), 178.5))).containsExactly(178, 76);
    }

    @Test
    void brightnessFactorOneIsTheIdentityAndZeroIsBlack() {
        FloatImage image = TestImages.levels(3, 4, 4, 1);
        assertThat(PixelOps.brightness(image, 1.0).data()).containsExactly(image.data());
        assertThat(PixelOps.brightness(image, 0.0).data()).containsOnly(0f);
        TestImages.assertInUnitRange(PixelOps.brightness(image, 1.9));
    }

    @Test
    void equalizeSpreadsAKnownHistogramLikePil() {
        // 256 pixels at 10, 256 at 20, 512 at 30: step = (1024 - 512) // 255 = 2, lut = (1 + below) // 2.
        int[] levels = new int[1024];
        for (int i = 0; i < 1024; i++) {
            levels[i] = i < 256 ? 10 : i < 512 ? 20 : 30;
        }
        int[] out = levelsOf(PixelOps.equalize(levelsImage(32, 32, levels)));
        assertThat(out[0]).isZero();
        assertThat(out[300]).isEqualTo(128);
        assertThat(out[1000]).isEqualTo(255);
    }

    @Test
    void equalizeLeavesTinyImagesUnchanged() {
        // Fewer than 255 pixels below the top level give PIL a zero step: identity.
        FloatImage image = TestImages.levels(1, 4, 4, 3);
        assertThat(PixelOps.equalize(image).data()).containsExactly(image.data());
    }

    @Test
    void autoContrastStretchesEachChannelToTheFullRange() {
        FloatImage out = PixelOps.autoContrast(levelsImage(1, 3, 50, 100, 150));
        // scale 2.55, offset -127.5, truncated: 0, int(127.5) = 127, 255.
        assertThat(levelsOf(out)).containsExactly(0, 127, 255);
        FloatImage flat = levelsImage(1, 2, 80, 80);
        assertThat(PixelOps.autoContrast(flat).data()).containsExactly(flat.data());
    }

    @Test
    void contrastFactorZeroGivesTheRoundedMeanGray() {
        FloatImage out = PixelOps.contrast(levelsImage(1, 3, 0, 0, 101), 0.0);
        // mean 33.67 rounds to level 34, as PIL's int(mean + 0.5)
        for (float v : out.data()) {
            assertThat(v).isCloseTo(34 / 255f, within(1e-7f));
        }
    }

    @Test
    void colorFactorZeroGivesGrayAndOneChannelIsUntouched() {
        FloatImage rgb = new FloatImage(3, 1, 1, new float[] {1f, 0f, 0f});
        FloatImage gray = PixelOps.saturation(rgb, 0.0);
        for (float v : gray.data()) {
            assertThat(v).isCloseTo(0.299f, within(1e-7f));
        }
        FloatImage mono = TestImages.levels(1, 3, 3, 2);
        assertThat(PixelOps.saturation(mono, 0.0).data()).containsExactly(mono.data());
    }

    @Test
    void sharpnessSmoothsOnlyInteriorPixels() {
        FloatImage image = levelsImage(3, 3, 0, 0, 0, 0, 255, 0, 0, 0, 0);
        assertThat(PixelOps.sharpness(image, 1.0).data()).containsExactly(image.data());
        FloatImage smooth = PixelOps.sharpness(image, 0.0);
        assertThat(smooth.at(0, 1, 1)).isCloseTo(5f / 13f, within(1e-6f));
        assertThat(smooth.at(0, 0, 0)).isZero();
    }

    @Test
    void translateShiftsContentAndFillsWithZero() {
        FloatImage image = TestImages.ramp(1, 4, 4);
        FloatImage right = PixelOps.translate(image, 1, 0);
        for (int y = 0; y < 4; y++) {
            assertThat(right.at(0, y, 0)).isZero();
            for (int x = 1; x < 4; x++) {
                assertThat(right.at(0, y, x)).isEqualTo(image.at(0, y, x - 1));
            }
        }
        FloatImage up = PixelOps.translate(image, 0, -1);
        assertThat(up.at(0, 0, 2)).isEqualTo(image.at(0, 1, 2));
        assertThat(up.at(0, 3, 2)).isZero();
    }

    @Test
    void rotateByNinetyDegreesTurnsCounterClockwise() {
        FloatImage image = TestImages.ramp(1, 4, 4);
        FloatImage out = PixelOps.rotate(image, 90);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertThat(out.at(0, y, x)).isEqualTo(image.at(0, x, 3 - y));
            }
        }
        assertThat(PixelOps.rotate(image, 0).data()).containsExactly(image.data());
    }

    @Test
    void shearXShiftsRowsInProportionToTheirDistanceFromTheTop() {
        FloatImage image = TestImages.ramp(1, 4, 4);
        assertThat(PixelOps.shearX(image, 0).data()).containsExactly(image.data());
        FloatImage out = PixelOps.shearX(image, 0.5);
        // PIL samples at pixel centres about the corner: row y reads column floor(x + 0.5 + 0.5 (y + 0.5)).
        assertThat(out.at(0, 0, 1)).isEqualTo(image.at(0, 0, 1));
        assertThat(out.at(0, 1, 1)).isEqualTo(image.at(0, 1, 2));
        assertThat(out.at(0, 1, 3)).isZero();
        assertThat(out.at(0, 3, 0)).isEqualTo(image.at(0, 3, 2));
        FloatImage sheared = PixelOps.shearY(image, 0.5);
        assertThat(sheared.at(0, 1, 1)).isEqualTo(image.at(0, 2, 1));
    }
}
