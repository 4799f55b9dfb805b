package io.vitsom.model.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomResizedCropTest {
    private final FloatImage image = TestImages.levels(3, 4, 4, 7);

    @Test
    void keepsShapeAndUnitRange() {
        FloatImage out = RandomResizedCrop.reference().apply(image, new SplittableRandom(1));
        TestImages.assertSameShape(out, image);
        TestImages.assertInUnitRange(out);
    }

    @Test
    void sameSeedGivesSameOutputAndSeedsDiffer() {
        RandomResizedCrop crop = RandomResizedCrop.reference();
        FloatImage big = TestImages.levels(3, 16, 16, 3);
        FloatImage a = crop.apply(big, new SplittableRandom(42));
        FloatImage b = crop.apply(big, new SplittableRandom(42));
        FloatImage c = crop.apply(big, new SplittableRandom(43));
        assertThat(a.data()).containsExactly(b.data());
        assertThat(a.data()).isNotEqualTo(c.data());
    }

    @Test
    void fullScaleSquareRatioIsTheIdentity() {
        RandomResizedCrop crop = new RandomResizedCrop(1.0, 1.0, 1.0, 1.0);
        FloatImage out = crop.apply(image, new SplittableRandom(5));
        assertThat(out.data()).containsExactly(image.data(), within(1e-6f));
    }

    @Test
    void fallsBackToACentredCropClippedToTheRatioRange() {
        // Ratio 2 at full area never fits a 4x4 image: the fallback keeps the width and halves the height.
        RandomResizedCrop crop = new RandomResizedCrop(1.0, 1.0, 2.0, 2.0);
        RandomResizedCrop.Window window = crop.sampleWindow(4, 4, new SplittableRandom(1));
        assertThat(window).isEqualTo(new RandomResizedCrop.Window(1, 0, 2, 4));
    }

    @Test
    void sampledWindowsStayInsideTheImage() {
        RandomResizedCrop crop = RandomResizedCrop.reference();
        SplittableRandom rng = new SplittableRandom(9);
        for (int i = 0; i < 200; i++) {
            RandomResizedCrop.Window w = crop.sampleWindow(6, 5, rng);
            assertThat(w.top()).isNotNegative();
            assertThat(w.left()).isNotNegative();
            assertThat(w.top() + w.height()).isLessThanOrEqualTo(6);
            assertThat(w.left() + w.width()).isLessThanOrEqualTo(5);
        }
    }

    @Test
    void bicubicResizeKeepsAConstantImageConstant() {
        FloatImage flat = TestImages.constant(1, 3, 5, 0.4f);
        for (int[] size : new int[][] {{7, 9}, {2, 2}, {6, 4}}) {
            FloatImage out = Resampling.resizeBicubic(flat, size[0], size[1]);
            assertThat(out.shape()).isEqualTo("1x" + size[0] + "x" + size[1]);
            for (float v : out.data()) {
                assertThat(v).isCloseTo(0.4f, within(1e-6f));
            }
        }
    }

    @Test
    void bicubicUpscaleOvershootIsClamped() {
        // A hard edge makes the a = -0.5 cubic ring past [0, 1]; PIL clips, and so do we.
        FloatImage edge = new FloatImage(1, 1, 4, new float[] {0, 0, 1, 1});
        FloatImage out = Resampling.resizeBicubic(edge, 1, 16);
        TestImages.assertInUnitRange(out);
        assertThat(out.data()[0]).isZero();
        assertThat(out.data()[15]).isEqualTo(1f);
    }

    @Test
    void rejectsUnorderedScaleAndBadRatio() {
        assertThatThrownBy(() -> new RandomResizedCrop(0.9, 0.5, 0.75, 1.33))
                .hasMessageContaining("scale must satisfy");
        assertThatThrownBy(() -> new RandomResizedCrop(0.1, 1.0, 0, 1.33)).hasMessageContaining("ratio must satisfy");
    }
}
