package io.vitsom.model.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandAugmentTest {
    @Test
    void magnitudeNineOfThirtyOneBinsMatchesTorchvisionTables() {
        assertThat(RandAugment.Op.SHEAR_X.magnitude(9, 31, 32, 32)).isCloseTo(0.09, within(1e-12));
        assertThat(RandAugment.Op.TRANSLATE_X.magnitude(9, 31, 32, 40))
                .isCloseTo(150.0 / 331.0 * 40 * 0.3, within(1e-12));
        assertThat(RandAugment.Op.TRANSLATE_Y.magnitude(9, 31, 32, 40))
                .isCloseTo(150.0 / 331.0 * 32 * 0.3, within(1e-12));
        assertThat(RandAugment.Op.ROTATE.magnitude(9, 31, 32, 32)).isCloseTo(9.0, within(1e-12));
        assertThat(RandAugment.Op.BRIGHTNESS.magnitude(9, 31, 32, 32)).isCloseTo(0.27, within(1e-12));
        assertThat(RandAugment.Op.POSTERIZE.magnitude(9, 31, 32, 32)).isEqualTo(7.0);
        assertThat(RandAugment.Op.POSTERIZE.magnitude(30, 31, 32, 32)).isEqualTo(4.0);
        assertThat(RandAugment.Op.SOLARIZE.magnitude(9, 31, 32, 32)).isCloseTo(178.5, within(1e-9));
        assertThat(RandAugment.Op.EQUALIZE.magnitude(9, 31, 32, 32)).isZero();
        assertThat(RandAugment.Op.values()).hasSize(14);
    }

    @Test
    void everyOpKeepsShapeAndUnitRangeForBothSigns() {
        FloatImage image = TestImages.levels(3, 6, 6, 4);
        for (RandAugment.Op op : RandAugment.Op.values()) {
            double m = op.magnitude(9, 31, 6, 6);
            for (double signed : new double[] {m, op.signed() ? -m : m}) {
                FloatImage out = op.apply(image, signed);
                TestImages.assertSameShape(out, image);
                TestImages.assertInUnitRange(out);
            }
        }
    }

    @Test
    void sameSeedGivesSameOutputAndSeedsDiffer() {
        RandAugment augment = RandAugment.reference();
        FloatImage image = TestImages.levels(3, 6, 6, 8);
        int differing = 0;
        for (long seed = 0; seed < 10; seed++) {
            FloatImage a = augment.apply(image, new SplittableRandom(seed));
            FloatImage b = augment.apply(image, new SplittableRandom(seed));
            assertThat(a.data()).containsExactly(b.data());
            TestImages.assertInUnitRange(a);
            if (!java.util.Arrays.equals(a.data(), augment.apply(image, new SplittableRandom(seed + 100)).data())) {
                differing++;
            }
        }
        // Identity draws and ops that coincide on tiny images can make two seeds agree, but not most of them.
        assertThat(differing).isGreaterThan(5);
    }

    @Test
    void zeroOpsIsTheIdentity() {
        FloatImage image = TestImages.levels(1, 6, 6, 8);
        assertThat(new RandAugment(0, 9, 31).apply(image, new SplittableRandom(1)).data())
                .containsExactly(image.data());
    }

    @Test
    void rejectsMagnitudeOutsideTheBins() {
        assertThatThrownBy(() -> new RandAugment(2, 31, 31)).hasMessage("magnitude must be in [0, 31), got 31");
        assertThatThrownBy(() -> new RandAugment(-1, 9, 31)).hasMessageContaining("numOps");
    }
}
