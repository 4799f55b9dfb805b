package io.vitsom.model.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class JensenShannonTest {

    private static final double EPS = 1e-12;

    @Test
    void identicalDistributionsHaveZeroDivergence() {
        assertThat(JensenShannon.divergence(new double[] {0.1, 0.2, 0.7}, new double[] {0.1, 0.2, 0.7})).isZero();
        assertThat(JensenShannon.divergence(new long[] {3, 0, 5}, new long[] {3, 0, 5})).isZero();
        // Normalisation makes scaled weights identical distributions.
        assertThat(JensenShannon.divergence(new double[] {1, 2, 7}, new double[] {0.1, 0.2, 0.7}))
                .isCloseTo(0, within(EPS));
    }

    @Test
    void disjointSupportsHaveDivergenceOne() {
        // Each non-zero cell contributes p log2(p / (p/2)) = p, so each KL term is 1 and JS = 1.
        assertThat(JensenShannon.divergence(new double[] {0.5, 0.5, 0, 0}, new double[] {0, 0, 0.25, 0.75}))
                .isEqualTo(1.0);
        assertThat(JensenShannon.divergence(new long[] {7, 0}, new long[] {0, 2})).isEqualTo(1.0);
    }

    @Test
    void handComputedTwoCellCase() {
        // p = (1, 0), q = (1/2, 1/2), m = (3/4, 1/4).
        // KL(p || m) = 1 * log2(1 / (3/4)) = log2(4/3) = 2 - log2 3
        // KL(q || m) = 1/2 log2((1/2)/(3/4)) + 1/2 log2((1/2)/(1/4)) = 1/2 (1 - log2 3) + 1/2 = 1 - 1/2 log2 3
        // JS = 1/2 (2 - log2 3) + 1/2 (1 - 1/2 log2 3) = 3/2 - 3/4 log2 3 = 0.31127812445913283...
        double expected = 1.5 - 0.75 * Math.log(3) / Math.log(2);
        assertThat(expected).isCloseTo(0.3112781244591328, within(1e-15));
        assertThat(JensenShannon.divergence(new double[] {1, 0}, new double[] {0.5, 0.5}))
                .isCloseTo(expected, within(EPS));
        assertThat(JensenShannon.divergence(new long[] {4, 0}, new long[] {3, 3})).isCloseTo(expected, within(EPS));
    }

    @Test
    void symmetricAndWithinRange() {
        Random random = new Random(17);
        for (int trial = 0; trial < 100; trial++) {
            int n = 1 + random.nextInt(50);
            double[] p = new double[n];
            double[] q = new double[n];
            for (int i = 0; i < n; i++) {
                // Some empty cells on either side, as dead units leave in a hit map.
                p[i] = random.nextInt(4) == 0 ? 0 : random.nextDouble();
                q[i] = random.nextInt(4) == 0 ? 0 : random.nextDouble();
            }
            p[random.nextInt(n)] = 1;
            q[random.nextInt(n)] = 1;
            double pq = JensenShannon.divergence(p, q);
            assertThat(JensenShannon.divergence(q, p)).isEqualTo(pq);
            assertThat(pq).isBetween(0.0, 1.0);
        }
    }

    @Test
    void countsEqualTheirNormalisedDoubles() {
        long[] p = {10, 0, 30, 60};
        long[] q = {25, 25, 0, 50};
        double[] pn = {0.1, 0, 0.3, 0.6};
        double[] qn = {0.25, 0.25, 0, 0.5};
        assertThat(JensenShannon.divergence(p, q)).isCloseTo(JensenShannon.divergence(pn, qn), within(EPS));
        // Counts beyond what a long sum could hold still normalise.
        long big = Long.MAX_VALUE / 2;
        assertThat(JensenShannon.divergence(new long[] {big, big, 0}, new long[] {1, 1, 0})).isCloseTo(0, within(EPS));
    }

    @Test
    void invalidInputsAreRejected() {
        assertThatThrownBy(() -> JensenShannon.divergence(new double[] {1, 0}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2").hasMessageContaining("1");
        assertThatThrownBy(() -> JensenShannon.divergence(new long[] {1}, new long[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length");
        assertThatThrownBy(() -> JensenShannon.divergence(new double[] {0, 0}, new double[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p");
        assertThatThrownBy(() -> JensenShannon.divergence(new long[] {1, 0}, new long[] {0, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q");
        assertThatThrownBy(() -> JensenShannon.divergence(new double[0], new double[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JensenShannon.divergence(new double[] {1, -0.5}, new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p[1]").hasMessageContaining("-0.5");
        assertThatThrownBy(() -> JensenShannon.divergence(new double[] {1, 1}, new double[] {Double.NaN, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q[0]");
        assertThatThrownBy(() -> JensenShannon.divergence(new long[] {1, -2}, new long[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p[1]").hasMessageContaining("-2");
    }
}
