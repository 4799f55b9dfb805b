package io.vitsom.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClusteringMetricsTest {

    private static final double EPS = 1e-12;

    // clusters [0,0,0,1,1,2], labels [0,0,1,1,1,0]. Contingency n(k,c):
    //   cluster 0: label 0 x2, label 1 x1   (size 3)
    //   cluster 1: label 1 x2               (size 2)
    //   cluster 2: label 0 x1               (size 1)
    // label sizes: 0 -> 3, 1 -> 3; N = 6.
    private static final int[] CLUSTERS = {0, 0, 0, 1, 1, 2};
    private static final int[] LABELS = {0, 0, 1, 1, 1, 0};

    @Test
    void purityOfSmallExample() {
        // Majority counts 2 + 2 + 1 = 5 of 6.
        assertThat(ClusteringMetrics.purity(CLUSTERS, LABELS)).isCloseTo(5.0 / 6, within(EPS));
    }

    @Test
    void nmiOfSmallExample() {
        // MI = sum n/N ln(N n / (a_k b_c)):
        //   (0,0) 2/6 ln(12/9) + (0,1) 1/6 ln(6/9) + (1,1) 2/6 ln(12/6) + (2,0) 1/6 ln(6/3)
        //   = 1/3 (2 ln2 - ln3) + 1/6 (ln2 - ln3) + 1/3 ln2 + 1/6 ln2 = 4/3 ln2 - 1/2 ln3 = 0.374890096...
        // H(clusters) = 1/2 ln2 + 1/3 ln3 + 1/6 ln6 = 2/3 ln2 + 1/2 ln3 = 1.011404264...
        // H(labels) = ln2 = 0.693147180...
        // NMI = MI / ((H_c + H_l) / 2) = (16 ln2 - 6 ln3) / (10 ln2 + 3 ln3) = 0.439869500511...
        double ln2 = Math.log(2);
        double ln3 = Math.log(3);
        double expected = (16 * ln2 - 6 * ln3) / (10 * ln2 + 3 * ln3);
        assertThat(expected).isCloseTo(0.4398695005110284, within(1e-15));
        assertThat(ClusteringMetrics.nmi(CLUSTERS, LABELS)).isCloseTo(expected, within(EPS));
        // Arithmetic normalisation is symmetric.
        assertThat(ClusteringMetrics.nmi(LABELS, CLUSTERS)).isCloseTo(expected, within(EPS));
    }

    @Test
    void unlabelledSamplesAreIgnored() {
        // Same example plus three label -1 samples, one of them in a cluster of its own (7).
        int[] clusters = {0, 0, 0, 1, 1, 2, 1, 7, 2};
        int[] labels = {0, 0, 1, 1, 1, 0, -1, -1, -1};
        assertThat(ClusteringMetrics.purity(clusters, labels)).isCloseTo(5.0 / 6, within(EPS));
        assertThat(ClusteringMetrics.nmi(clusters, labels)).isCloseTo(0.4398695005110284, within(EPS));
    }

    @Test
    void perfectClusteringWithSparseIds() {
        // Each cluster holds exactly one class: purity 1; MI = H(clusters) = H(labels) = ln3, NMI 1.
        int[] clusters = {5, 5, 9, 9, 1599, 1599};
        int[] labels = {2, 2, 0, 0, 1, 1};
        assertThat(ClusteringMetrics.purity(clusters, labels)).isEqualTo(1.0);
        assertThat(ClusteringMetrics.nmi(clusters, labels)).isCloseTo(1.0, within(EPS));
    }

    @Test
    void independentClusteringScoresZeroNmi() {
        // clusters [0,0,1,1] vs labels [0,1,0,1]: every cell n=1, a_k = b_c = 2, N = 4,
        // so each term is 1/4 ln(4*1/(2*2)) = 0: MI = 0 -> NMI 0. Majority per cluster: 1 of 2 -> purity 1/2.
        int[] clusters = {0, 0, 1, 1};
        int[] labels = {0, 1, 0, 1};
        assertThat(ClusteringMetrics.nmi(clusters, labels)).isEqualTo(0.0);
        assertThat(ClusteringMetrics.purity(clusters, labels)).isCloseTo(0.5, within(EPS));
    }

    @Test
    void oneSamplePerClusterIsPureButNotPerfectNmi() {
        // clusters [0,1,2,3], labels [0,0,1,1]: MI = H(labels) = ln2, H(clusters) = ln4 = 2 ln2,
        // NMI = ln2 / ((2 ln2 + ln2) / 2) = 2/3 (what sklearn reports), while purity is 1.
        int[] clusters = {0, 1, 2, 3};
        int[] labels = {0, 0, 1, 1};
        assertThat(ClusteringMetrics.nmi(clusters, labels)).isCloseTo(2.0 / 3, within(EPS));
        assertThat(ClusteringMetrics.purity(clusters, labels)).isEqualTo(1.0);
    }

    @Test
    void degenerateCasesFollowSklearn() {
        // Both labellings constant: a perfect match, 1.0.
        assertThat(ClusteringMetrics.nmi(new int[] {3, 3, 3}, new int[] {1, 1, 1})).isEqualTo(1.0);
        // One side constant, the other not: MI = 0 -> 0.0.
        assertThat(ClusteringMetrics.nmi(new int[] {3, 3, 3}, new int[] {0, 1, 1})).isEqualTo(0.0);
        assertThat(ClusteringMetrics.nmi(new int[] {0, 1, 2}, new int[] {1, 1, 1})).isEqualTo(0.0);
        // No labelled sample: sklearn's empty-input case is 1.0; purity is undefined.
        assertThat(ClusteringMetrics.nmi(new int[] {0, 1}, new int[] {-1, -1})).isEqualTo(1.0);
        assertThat(ClusteringMetrics.purity(new int[] {0, 1}, new int[] {-1, -1})).isNaN();
    }

    @Test
    void majorityLabelsBreakTiesTowardsTheSmallestLabel() {
        // cluster 0: labels {1, 0} -> tie -> 0; cluster 1: {2, -1, -1} -> 2;
        // cluster 2: nothing -> -1; cluster 3: only unlabelled -> -1; cluster 4: {1, 1, 0} -> 1.
        int[] clusters = {0, 0, 1, 1, 1, 3, 4, 4, 4};
        int[] labels = {1, 0, 2, -1, -1, -1, 1, 1, 0};
        assertThat(ClusteringMetrics.majorityLabels(clusters, labels, 5)).containsExactly(0, 2, -1, -1, 1);
    }

    @Test
    void hitsCountSamplesPerCluster() {
        assertThat(ClusteringMetrics.hits(new int[] {0, 0, 0, 1, 1, 2}, 4)).containsExactly(3, 2, 1, 0);
        assertThatThrownBy(() -> ClusteringMetrics.hits(new int[] {4}, 4))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neuralSelectivityAveragesEachWinningUnitsShareOfItsMajorityLabel() {
        // The small example on 4 units: unit 0 {0, 0, 1} -> 2/3, unit 1 {1, 1} -> 1, unit 2 {0} -> 1, unit 3 wins
        // nothing and does not count: NS = (2/3 + 1 + 1) / 3 = 8/9, while purity (weighted by hits) is 5/6.
        assertThat(ClusteringMetrics.neuralSelectivity(CLUSTERS, LABELS, 4)).isCloseTo(8.0 / 9, within(EPS));
        assertThat(ClusteringMetrics.purity(CLUSTERS, LABELS)).isCloseTo(5.0 / 6, within(EPS));
    }

    @Test
    void neuralSelectivityIgnoresUnlabelledSamples() {
        // Unit 0 {1, 0, -1} -> tie, label 0, 1/2; unit 1 {2, 2, 2, 0} -> 3/4; unit 2 only unlabelled: not counted.
        // NS = (1/2 + 3/4) / 2 = 5/8; purity = (1 + 3) / 6 = 2/3.
        int[] units = {0, 0, 0, 1, 1, 1, 1, 2, 2};
        int[] labels = {1, 0, -1, 2, 2, 2, 0, -1, -1};
        assertThat(ClusteringMetrics.neuralSelectivity(units, labels, 3)).isCloseTo(5.0 / 8, within(EPS));
        assertThat(ClusteringMetrics.purity(units, labels)).isCloseTo(2.0 / 3, within(EPS));
        // Nothing labelled: undefined, like purity.
        assertThat(ClusteringMetrics.neuralSelectivity(new int[] {0, 1}, new int[] {-1, -1}, 2)).isNaN();
        assertThatThrownBy(() -> ClusteringMetrics.neuralSelectivity(new int[] {2}, new int[] {0}, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deadUnitsWinNoSampleLabelledOrNot() {
        // Units 0, 1, 2 win samples (unit 2 only an unlabelled one); units 3 and 4 win nothing.
        assertThat(ClusteringMetrics.deadUnits(new int[] {0, 0, 1, 2}, 5)).isEqualTo(2);
        assertThat(ClusteringMetrics.deadUnits(new int[] {}, 3)).isEqualTo(3);
        assertThat(ClusteringMetrics.deadUnits(new int[] {0, 1, 2}, 3)).isZero();
    }

    @Test
    void rejectsMismatchedLengths() {
        assertThatThrownBy(() -> ClusteringMetrics.purity(new int[] {0}, new int[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
