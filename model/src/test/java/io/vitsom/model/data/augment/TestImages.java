package io.vitsom.model.data.augment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Small images and checks shared by the augmentation tests. */
final class TestImages {
    private TestImages() {}

    /** A {@code c x h x w} image of 8-bit levels (k / 255), reproducible from {@code seed}. */
    static FloatImage levels(int c, int h, int w, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] data = new float[c * h * w];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextInt(256) / 255f;
        }
        return new FloatImage(c, h, w, data);
    }

    /** A {@code c x h x w} image whose every value is {@code value}. */
    static FloatImage constant(int c, int h, int w, float value) {
        float[] data = new float[c * h * w];
        Arrays.fill(data, value);
        return new FloatImage(c, h, w, data);
    }

    /** An image whose value at (c, y, x) is its index / (size - 1): distinct and in [0, 1]. */
    static FloatImage ramp(int c, int h, int w) {
        float[] data = new float[c * h * w];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) i / (data.length - 1);
        }
        return new FloatImage(c, h, w, data);
    }

    static void assertInUnitRange(FloatImage image) {
        for (float v : image.data()) {
            assertThat(v).isBetween(0f, 1f);
        }
    }

    static void assertSameShape(FloatImage actual, FloatImage expected) {
        assertThat(actual.shape()).isEqualTo(expected.shape());
        assertThat(actual.data()).hasSize(expected.data().length);
    }
}
