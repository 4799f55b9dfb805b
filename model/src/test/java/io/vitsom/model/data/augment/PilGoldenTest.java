package io.vitsom.model.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Golden values from Pillow 12.3.0 on one 6x6 gray image ({@code Image.resize(BICUBIC)}, {@code rotate},
 * {@code transform(AFFINE, NEAREST, fillcolor=0)}, {@code ImageOps}, {@code ImageEnhance}). Geometry and
 * lookup tables must match exactly; blends and resampling may differ by about one level, because PIL rounds
 * or truncates to 8 bits inside each step and these operations keep floats.
 */
class PilGoldenTest {
    private static final int[] SOURCE = {
        219, 46, 114, 209, 167, 24, 122, 99, 151, 170, 83, 209, 38, 204,
        26, 200, 106, 154, 155, 157, 190, 69, 56, 185, 81, 76, 107, 113,
        193, 73, 44, 94, 104, 205, 73, 59
    };
    private static final int[] PIL_RESIZE_4X3 = {
        122, 151, 123, 115, 130, 143, 134, 119, 121, 68, 136, 99
    };
    private static final int[] PIL_RESIZE_9X9 = {
        237, 136, 39, 95, 168, 214, 187, 85, 2, 186, 121, 67, 125, 172,
        184, 134, 116, 114, 105, 108, 118, 131, 161, 162, 85, 146, 221, 30,
        123, 182, 43, 114, 201, 116, 129, 164, 90, 147, 187, 115, 118, 127,
        76, 123, 179, 154, 146, 150, 191, 130, 58, 63, 126, 180, 94, 87,
        88, 116, 107, 110, 178, 137, 81, 55, 67, 84, 95, 135, 165, 146,
        94, 54, 38, 66, 98, 98, 167, 200, 84, 53, 58
    };
    private static final int[] PIL_ROTATE_30 = {
        0, 114, 209, 83, 209, 0, 46, 114, 170, 83, 154, 154, 99, 99,
        26, 200, 56, 185, 38, 204, 190, 69, 193, 193, 155, 155, 76, 107,
        205, 73, 0, 81, 76, 104, 205, 0
    };
    private static final int[] PIL_ROTATE_M30 = {
        0, 122, 99, 114, 209, 0, 38, 38, 99, 151, 209, 167, 155, 157,
        26, 200, 83, 83, 76, 76, 190, 69, 106, 154, 94, 104, 113, 193,
        185, 185, 0, 104, 205, 193, 73, 0
    };
    private static final int[] PIL_SHEAR_X_03 = {
        219, 46, 114, 209, 167, 24, 122, 99, 151, 170, 83, 209, 204, 26,
        200, 106, 154, 0, 157, 190, 69, 56, 185, 0, 76, 107, 113, 193,
        73, 0, 104, 205, 73, 59, 0, 0
    };
    private static final int[] PIL_AUTOCONTRAST = {
        255, 28, 117, 241, 187, 0, 128, 98, 166, 190, 77, 241, 18, 235,
        2, 230, 107, 170, 171, 173, 217, 58, 41, 210, 74, 68, 108, 116,
        221, 64, 26, 91, 104, 236, 64, 45
    };
    private static final int[] PIL_SHARPNESS_127 = {
        219, 46, 114, 209, 167, 24, 122, 96, 153, 176, 71, 209, 38, 218,
        4, 215, 100, 154, 155, 164, 201, 59, 42, 185, 81, 69, 103, 111,
        207, 73, 44, 94, 104, 205, 73, 59
    };
    private static final int[] PIL_CONTRAST_127 = {
        245, 25, 111, 232, 179, 0, 122, 92, 158, 182, 72, 232, 15, 226,
        0, 221, 101, 162, 163, 166, 208, 54, 38, 202, 69, 63, 102, 110,
        212, 59, 22, 86, 99, 227, 59, 41
    };

    private static final FloatImage IMAGE = image(6, 6, SOURCE);

    private static FloatImage image(int h, int w, int[] levels) {
        float[] data = new float[levels.length];
        for (int i = 0; i < levels.length; i++) {
            data[i] = levels[i] / 255f;
        }
        return new FloatImage(1, h, w, data);
    }

    private static void assertLevels(FloatImage actual, int[] expected, double tolerance) {
        assertThat(actual.data()).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual.data()[i] * 255.0).as("value %d", i).isCloseTo(expected[i], within(tolerance));
        }
    }

    @Test
    void bicubicResizeMatchesPilWithinOneLevel() {
        assertLevels(Resampling.resizeBicubic(IMAGE, 4, 3), PIL_RESIZE_4X3, 1.0);
        assertLevels(Resampling.resizeBicubic(IMAGE, 9, 9), PIL_RESIZE_9X9, 1.0);
    }

    @Test
    void nearestAffineOpsMatchPilExactly() {
        assertLevels(PixelOps.rotate(IMAGE, 30), PIL_ROTATE_30, 1e-3);
        assertLevels(PixelOps.rotate(IMAGE, -30), PIL_ROTATE_M30, 1e-3);
        assertLevels(PixelOps.shearX(IMAGE, 0.3), PIL_SHEAR_X_03, 1e-3);
    }

    @Test
    void lookupTableOpsMatchPilExactly() {
        assertLevels(PixelOps.autoContrast(IMAGE), PIL_AUTOCONTRAST, 1e-3);
    }

    @Test
    void enhancementsMatchPilWithinOneLevel() {
        assertLevels(PixelOps.sharpness(IMAGE, 1.27), PIL_SHARPNESS_127, 1.0);
        assertLevels(PixelOps.contrast(IMAGE, 1.27), PIL_CONTRAST_127, 1.0);
    }
}
