package io.vitsom.model.urlsom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UrlSomViewsTest {
    private static final int CHANNELS = 3;
    private static final int SIZE = 12;
    private static final int PER_IMAGE = CHANNELS * SIZE * SIZE;
    private static final ViewAugment PAPER_LIKE = new ViewAugment(8, 12, 0.5, 0.4, 0.4, 0.4, 0.4, 0.8, 0.5);

    @Test
    void viewsHaveTheBatchShapeAndStayInUnitRange() {
        float[] images = images(4, 1);
        float[][] views = new UrlSomViews(PAPER_LIKE, CHANNELS, SIZE, 7).twoViews(images, 4);
        assertThat(views).hasNumberOfRows(2);
        for (float[] view : views) {
            assertThat(view).hasSize(images.length);
            for (float v : view) {
                assertThat(v).isBetween(0f, 1f);
            }
        }
    }

    @Test
    void sameSeedReplaysTheViewsAndAnotherSeedDoesNot() {
        float[] images = images(3, 2);
        UrlSomViews a = new UrlSomViews(PAPER_LIKE, CHANNELS, SIZE, 42);
        UrlSomViews b = new UrlSomViews(PAPER_LIKE, CHANNELS, SIZE, 42);
        for (int call = 0; call < 2; call++) {
            float[][] fromA = a.twoViews(images, 3);
            float[][] fromB = b.twoViews(images, 3);
            assertThat(fromA[0]).containsExactly(fromB[0]);
            assertThat(fromA[1]).containsExactly(fromB[1]);
        }
        float[][] other = new UrlSomViews(PAPER_LIKE, CHANNELS, SIZE, 43).twoViews(images, 3);
        float[][] first = new UrlSomViews(PAPER_LIKE, CHANNELS, SIZE, 42).twoViews(images, 3);
        assertThat(Arrays.equals(other[0], first[0])).isFalse();
    }

    @Test
    void theTwoViewsOfEveryImageDiffer() {
        int count = 6;
        float[][] views = new UrlSomViews(PAPER_LIKE, CHANNELS, SIZE, 3).twoViews(images(count, 3), count);
        for (int i = 0; i < count; i++) {
            float[] one = Arrays.copyOfRange(views[0], i * PER_IMAGE, (i + 1) * PER_IMAGE);
            float[] two = Arrays.copyOfRange(views[1], i * PER_IMAGE, (i + 1) * PER_IMAGE);
            assertThat(Arrays.equals(one, two)).as("image %d", i).isFalse();
        }
    }

    @Test
    void noAugmentationGivesTheInputTwice() {
        float[] images = images(2, 4);
        float[][] views = new UrlSomViews(ViewAugment.identity(SIZE), CHANNELS, SIZE, 1).twoViews(images, 2);
        assertThat(views[0]).containsExactly(images).isNotSameAs(images);
        assertThat(views[1]).containsExactly(images);
    }

    @Test
    void grayscaleAlwaysMakesTheChannelsEqual() {
        ViewAugment gray = new ViewAugment(8, 12, 0.5, 0, 0, 0, 0, 0, 1.0);
        float[][] views = new UrlSomViews(gray, CHANNELS, SIZE, 5).twoViews(images(2, 5), 2);
        int plane = SIZE * SIZE;
        for (float[] view : views) {
            for (int i = 0; i < 2; i++) {
                for (int p = 0; p < plane; p++) {
                    float r = view[i * PER_IMAGE + p];
                    assertThat(view[i * PER_IMAGE + plane + p]).isEqualTo(r);
                    assertThat(view[i * PER_IMAGE + 2 * plane + p]).isEqualTo(r);
                }
            }
        }
    }

    /**
     * On a horizontal ramp (value x / 11), a crop of side s spans (s - 1) / 11. Bicubic upsampling overshoots a
     * little at the crop's edges (its negative lobes are cut there), far less than half a step, so with sides 4
     * to 6 no row of a view spans more than 5.5 / 11, and some crop is wider than side 4 (3.5 / 11).
     */
    @Test
    void cropSideStaysInRangeOnARamp() {
        float[] ramp = new float[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                ramp[y * SIZE + x] = x / 11f;
            }
        }
        ViewAugment crop = new ViewAugment(4, 6, 0.5, 0, 0, 0, 0, 0, 0);
        UrlSomViews views = new UrlSomViews(crop, 1, SIZE, 8);
        float widest = 0;
        for (int trial = 0; trial < 20; trial++) {
            for (float[] view : views.twoViews(ramp, 1)) {
                for (int y = 0; y < SIZE; y++) {
                    float min = Float.MAX_VALUE;
                    float max = -Float.MAX_VALUE;
                    for (int x = 0; x < SIZE; x++) {
                        min = Math.min(min, view[y * SIZE + x]);
                        max = Math.max(max, view[y * SIZE + x]);
                    }
                    assertThat(max - min).isLessThanOrEqualTo(5.5f / 11);
                    widest = Math.max(widest, max - min);
                }
            }
        }
        assertThat(widest).as("some crop is wider than the narrowest side").isGreaterThan(3.5f / 11);
    }

    @Test
    void oneChannelImagesWorkWithTheFullAugmentation() {
        float[] images = new float[2 * SIZE * SIZE];
        SplittableRandom rng = new SplittableRandom(6);
        for (int i = 0; i < images.length; i++) {
            images[i] = rng.nextInt(256) / 255f;
        }
        float[][] views = new UrlSomViews(PAPER_LIKE, 1, SIZE, 2).twoViews(images, 2);
        assertThat(views[0]).hasSize(images.length);
        assertThat(views[1]).hasSize(images.length);
    }

    @Test
    void rejectsInconsistentInput() {
        UrlSomViews views = new UrlSomViews(PAPER_LIKE, CHANNELS, SIZE, 0);
        assertThatThrownBy(() -> views.twoViews(new float[10], 1))
                .hasMessage("images has 10 values, expected 1 x 3x12x12");
        assertThatThrownBy(() -> new UrlSomViews(PAPER_LIKE, CHANNELS, 7, 0))
                .hasMessage("size must be >= cropMin (8), got 7");
        assertThatThrownBy(() -> new UrlSomViews(PAPER_LIKE, 0, SIZE, 0)).hasMessage("channels must be >= 1, got 0");
    }

    private static float[] images(int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] out = new float[count * PER_IMAGE];
        for (int i = 0; i < out.length; i++) {
            out[i] = rng.nextInt(256) / 255f;
        }
        return out;
    }
}
