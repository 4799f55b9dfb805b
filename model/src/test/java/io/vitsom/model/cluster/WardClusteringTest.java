package io.vitsom.model.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WardClusteringTest {
    // One dimension: {0, 1}, {10, 11}, {30}.
    private static final float[] POINTS = {0, 1, 10, 11, 30};

    @Test
    void cutsAtThreeClusters() {
        assertThat(WardClustering.fit(POINTS, 1, 3)).containsExactly(0, 0, 1, 1, 2);
    }

    @Test
    void wardMergesThePairsBeforeTheOutlier() {
        // Ward cost n_a n_b / (n_a + n_b) * |c_a - c_b|^2: {0,1}+{10,11} = 2*2/4 * 10^2 = 100,
        // {10,11}+{30} = 2*1/3 * 19.5^2 = 253.5, so the two pairs merge first.
        assertThat(WardClustering.fit(POINTS, 1, 2)).containsExactly(0, 0, 0, 0, 1);
    }

    @Test
    void kEqualToNKeepsEveryPointAlone() {
        assertThat(WardClustering.fit(POINTS, 1, 5)).containsExactly(0, 1, 2, 3, 4);
        assertThat(WardClustering.fit(POINTS, 1, 1)).containsOnly(0);
    }

    @Test
    void groupsASixteenUnitMapIntoItsTwoHalves() {
        // 4x4 "prototypes": the left two columns near (0,0), the right two near (5,5), with small offsets.
        float[] data = new float[16 * 2];
        for (int u = 0; u < 16; u++) {
            boolean right = u % 4 >= 2;
            data[u * 2] = (right ? 5 : 0) + 0.01f * u;
            data[u * 2 + 1] = (right ? 5 : 0) - 0.01f * u;
        }
        int[] labels = WardClustering.fit(data, 2, 2);
        for (int u = 0; u < 16; u++) {
            assertThat(labels[u]).as("unit %d", u).isEqualTo(u % 4 >= 2 ? 1 : 0);
        }
    }

    @Test
    void rejectsBadShapes() {
        assertThatThrownBy(() -> WardClustering.fit(POINTS, 2, 2)).hasMessageContaining("not a multiple of dim 2");
        assertThatThrownBy(() -> WardClustering.fit(POINTS, 1, 0)).hasMessageContaining("k must be in [1, 5]");
    }
}
