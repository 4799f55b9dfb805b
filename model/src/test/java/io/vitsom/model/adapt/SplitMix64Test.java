package io.vitsom.model.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SplitMix64Test {

    @Test
    void matchesTheReferenceImplementation() {
        // Outputs of Vigna's splitmix64.c (next()) for x = 0 and for x = 0x0123456789abcdef.
        SplitMix64 zero = new SplitMix64(0);
        assertThat(zero.nextLong()).isEqualTo(0xe220a8397b1dcdafL);
        assertThat(zero.nextLong()).isEqualTo(0x6e789e6aa1b965f4L);
        assertThat(zero.nextLong()).isEqualTo(0x06c45d188009454fL);
        assertThat(zero.nextLong()).isEqualTo(0xf88bb8a8724c81ecL);
        assertThat(zero.nextLong()).isEqualTo(0x1b39896a51a8749bL);
        assertThat(zero.state()).isEqualTo(5 * 0x9e3779b97f4a7c15L);

        SplitMix64 other = new SplitMix64(0x0123456789abcdefL);
        assertThat(other.nextLong()).isEqualTo(0x157a3807a48faa9dL);
        assertThat(other.nextLong()).isEqualTo(0xd573529b34a1d093L);
        assertThat(other.nextLong()).isEqualTo(0x2f90b72e996dccbeL);
    }

    @Test
    void nextDoubleUsesTheTop53Bits() {
        SplitMix64 r = new SplitMix64(0);
        assertThat(r.nextDouble()).isEqualTo((0xe220a8397b1dcdafL >>> 11) * 0x1.0p-53);
        for (int i = 0; i < 100_000; i++) {
            assertThat(r.nextDouble()).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
        }
    }

    @Test
    void boundedValuesStayInRange() {
        SplitMix64 r = new SplitMix64(42);
        int[] intBounds = {1, 2, 3, 7, 10, 1 << 20, (1 << 30) + 1, Integer.MAX_VALUE};
        for (int bound : intBounds) {
            for (int i = 0; i < 10_000; i++) {
                assertThat(r.nextInt(bound)).isBetween(0, bound - 1);
            }
        }
        long[] longBounds = {1, 2, 3, 1000, 1L << 40, (1L << 62) + 1, Long.MAX_VALUE};
        for (long bound : longBounds) {
            for (int i = 0; i < 10_000; i++) {
                assertThat(r.nextLong(bound)).isBetween(0L, bound - 1);
            }
        }
        assertThat(r.nextInt(1)).isZero();
        assertThat(r.nextLong(1)).isZero();
    }

    @Test
    void boundedValuesAreUniform() {
        SplitMix64 r = new SplitMix64(7);
        int n = 300_000;
        int[] counts = new int[3];
        long[] longCounts = new long[3];
        for (int i = 0; i < n; i++) {
            counts[r.nextInt(3)]++;
            longCounts[(int) r.nextLong(3)]++;
        }
        for (int k = 0; k < 3; k++) {
            // sd of each count is about 258; 6 sd is a bound a correct generator never fails at this seed.
            assertThat(counts[k]).isCloseTo(n / 3, within(1500));
            assertThat(longCounts[k]).isCloseTo(n / 3, within(1500L));
        }
        // A bound just above 2^30 (int) or 2^62 (long) rejects about half the raw draws; a biased modulo
        // would put about twice as many values in the lower half as in the upper half.
        int lowInt = 0;
        int lowLong = 0;
        int bound = (1 << 30) + (1 << 29);
        long longBound = (1L << 62) + (1L << 61);
        for (int i = 0; i < 90_000; i++) {
            if (r.nextInt(bound) < bound / 2) {
                lowInt++;
            }
            if (r.nextLong(longBound) < longBound / 2) {
                lowLong++;
            }
        }
        assertThat(lowInt).isCloseTo(45_000, within(1000));
        assertThat(lowLong).isCloseTo(45_000, within(1000));
    }

    @Test
    void rejectsNonPositiveBounds() {
        SplitMix64 r = new SplitMix64(1);
        assertThatThrownBy(() -> r.nextInt(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> r.nextInt(-5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
        assertThatThrownBy(() -> r.nextLong(0L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.nextLong(-1L)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void restoredStateContinuesTheSequence() {
        SplitMix64 a = new SplitMix64(-123456789L);
        for (int i = 0; i < 17; i++) {
            a.nextInt(1000);
        }
        SplitMix64 b = new SplitMix64(a.state());
        for (int i = 0; i < 1000; i++) {
            assertThat(b.nextLong()).isEqualTo(a.nextLong());
            assertThat(b.nextInt(7)).isEqualTo(a.nextInt(7));
            assertThat(b.nextInt((1 << 30) + 1)).isEqualTo(a.nextInt((1 << 30) + 1));
            assertThat(b.nextLong(123_456_789_012L)).isEqualTo(a.nextLong(123_456_789_012L));
            assertThat(b.nextDouble()).isEqualTo(a.nextDouble());
        }
        assertThat(b.state()).isEqualTo(a.state());
    }
}
