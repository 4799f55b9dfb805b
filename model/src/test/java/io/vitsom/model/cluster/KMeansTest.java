package io.vitsom.model.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class KMeansTest {
    // Two pairs far apart: (0,0),(0,2) and (10,0),(10,2).
    private static final float[] PAIRS = {0, 0, 0, 2, 10, 0, 10, 2};

    @Test
    void findsTwoSeparatedPairs() {
        KMeans.Result r = KMeans.fit(PAIRS, 2, 2, 100, 7);
        assertThat(r.assignments()[0]).isEqualTo(r.assignments()[1]);
        assertThat(r.assignments()[2]).isEqualTo(r.assignments()[3]);
        assertThat(r.assignments()[0]).isNotEqualTo(r.assignments()[2]);
        // centroids (0, 1) and (10, 1); every point is 1 away: inertia = 4 * 1^2
        int left = r.assignments()[0];
        assertThat(r.centroids()[left * 2]).isCloseTo(0, within(1e-12));
        assertThat(r.centroids()[left * 2 + 1]).isCloseTo(1, within(1e-12));
        assertThat(r.inertia()).isCloseTo(4, within(1e-12));
    }

    @Test
    void restartsEscapeTheLocalOptimumOfOneUnluckySeeding() {
        // Seeded with (0,0) and (0,2), Lloyd stops at the horizontal split {(0,0),(10,0)} | {(0,2),(10,2)}, whose
        // inertia is 4 * 5^2 = 100; the restarts find the vertical split (inertia 4).
        double worst = 0;
        for (long seed = 0; seed < 50; seed++) {
            worst = Math.max(worst, KMeans.fitOnce(PAIRS, 2, 2, 100, seed).inertia());
        }
        assertThat(worst).as("some single run stops in the local optimum").isCloseTo(100, within(1e-9));
        for (long seed = 0; seed < 50; seed++) {
            assertThat(KMeans.fit(PAIRS, 2, 2, 100, seed).inertia()).isCloseTo(4, within(1e-12));
        }
    }

    @Test
    void oneClusterIsTheMean() {
        KMeans.Result r = KMeans.fit(PAIRS, 2, 1, 10, 0);
        assertThat(r.centroids()).containsExactly(new double[] {5, 1}, within(1e-12));
        // squared distances to (5, 1): 26 each
        assertThat(r.inertia()).isCloseTo(4 * 26, within(1e-9));
    }

    @Test
    void sameSeedSameResult() {
        float[] data = new float[200];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat();
        }
        KMeans.Result a = KMeans.fit(data, 4, 5, 50, 11);
        KMeans.Result b = KMeans.fit(data, 4, 5, 50, 11);
        assertThat(a.assignments()).containsExactly(b.assignments());
        assertThat(a.inertia()).isEqualTo(b.inertia());
    }

    @Test
    void rejectsBadShapes() {
        assertThatThrownBy(() -> KMeans.fit(PAIRS, 3, 2, 10, 0)).hasMessageContaining("not a multiple of dim 3");
        assertThatThrownBy(() -> KMeans.fit(PAIRS, 2, 5, 10, 0)).hasMessageContaining("k must be in [1, 4]");
    }

    @Test
    void theToleranceScalesWithTheMeanPerDimensionVariance() {
        // Rows (0, 0) and (2, 4): variances 1 and 4 (population), mean 2.5.
        assertThat(KMeans.meanVariance(new float[] {0, 0, 2, 4}, 2, 2)).isEqualTo(2.5);
        assertThat(KMeans.meanVariance(new float[] {3, 3, 3, 3}, 2, 2)).isZero();
    }
}
