package io.vitsom.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import org.junit.jupiter.api.Test;

class RollingTopologyTest {
    // 3x3 square map:
    //   0 1 2
    //   3 4 5
    //   6 7 8
    private static final SomGrid SQUARE = new SomGrid(3, 3, Topology.SQUARE);

    private static RollingTopology fourSamples() {
        RollingTopology window = new RollingTopology(SQUARE, 4);
        window.add(4, 5, 0.1, "a"); // 4-neighbours
        window.add(0, 4, 0.3, "b"); // diagonal: only an 8-neighbour
        window.add(0, 8, 0.5, "b"); // opposite corners
        window.add(4, 7, 0.2, "a"); // 4-neighbours
        return window;
    }

    @Test
    void statisticsOfAFullWindow() {
        RollingTopology.Snapshot s = fourSamples().snapshot();
        assertThat(s.images()).isEqualTo(4);
        // QE = (0.1 + 0.3 + 0.5 + 0.2) / 4
        assertThat(s.quantizationError()).isCloseTo(0.275, within(1e-12));
        // TE: samples 2 and 3 are not 4-neighbours; TE8: only sample 3
        assertThat(s.topographicError()).isEqualTo(0.5);
        assertThat(s.topographicError8()).isEqualTo(0.25);
        // hits: unit 0 -> 2, unit 4 -> 2; 7 of 9 units dead; entropy of (1/2, 1/2) = ln 2
        assertThat(s.hits()).containsExactly(2, 0, 0, 0, 2, 0, 0, 0, 0);
        assertThat(s.deadUnitShare()).isCloseTo(7.0 / 9, within(1e-12));
        assertThat(s.hitEntropy()).isCloseTo(Math.log(2), within(1e-12));
        // every unit holds one label: purity 1, NMI 1
        assertThat(s.purity()).isEqualTo(1.0);
        assertThat(s.nmi()).isCloseTo(1.0, within(1e-12));
        assertThat(s.majorityLabels()[0]).isEqualTo("b");
        assertThat(s.majorityLabels()[4]).isEqualTo("a");
        assertThat(s.majorityLabels()[8]).isNull();
    }

    @Test
    void theOldestAssignmentLeavesWhenTheWindowIsFull() {
        RollingTopology window = fourSamples();
        window.add(8, RollingTopology.UNKNOWN, 0.9, null); // evicts (4, 5, 0.1, a)
        RollingTopology.Snapshot s = window.snapshot();
        assertThat(s.images()).isEqualTo(4);
        assertThat(s.totalImages()).isEqualTo(5);
        // QE = (0.3 + 0.5 + 0.2 + 0.9) / 4
        assertThat(s.quantizationError()).isCloseTo(0.475, within(1e-12));
        // only 3 images have a second BMU: TE = 2/3, TE8 = 1/3
        assertThat(s.topographicError()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(s.topographicError8()).isCloseTo(1.0 / 3, within(1e-12));
        // hits 0 -> 2, 4 -> 1, 8 -> 1: entropy = -(1/2 ln 1/2 + 2 * 1/4 ln 1/4) = 1.5 ln 2
        assertThat(s.hits()).containsExactly(2, 0, 0, 0, 1, 0, 0, 0, 1);
        assertThat(s.deadUnitShare()).isCloseTo(6.0 / 9, within(1e-12));
        assertThat(s.hitEntropy()).isCloseTo(1.5 * Math.log(2), within(1e-12));
        assertThat(s.purity()).isEqualTo(1.0);
    }

    @Test
    void anEmptyWindowIsUndefinedButAllDead() {
        RollingTopology.Snapshot s = new RollingTopology(SQUARE, 10).snapshot();
        assertThat(s.images()).isZero();
        assertThat(s.quantizationError()).isNaN();
        assertThat(s.topographicError()).isNaN();
        assertThat(s.hitEntropy()).isNaN();
        assertThat(s.purity()).isNaN();
        assertThat(s.nmi()).isNaN();
        assertThat(s.deadUnitShare()).isEqualTo(1.0);
    }

    @Test
    void hexagonalMapsUseSixNeighbours() {
        RollingTopology window = new RollingTopology(new SomGrid(3, 3, Topology.HEXAGONAL), 8);
        for (int a = 0; a < 9; a++) {
            for (int b = 0; b < 9; b++) {
                if (a != b) {
                    window.add(a, b, 0, null);
                }
            }
        }
        // the last 8 added: unit 8 with 0..7
        RollingTopology.Snapshot s = window.snapshot();
        long notAdjacent = java.util.stream.IntStream.range(0, 8)
                .filter(b -> !window.grid().adjacent(8, b)).count();
        assertThat(s.topographicError()).isCloseTo(notAdjacent / 8.0, within(1e-12));
    }

    @Test
    void rejectsUnitsOffTheMap() {
        RollingTopology window = new RollingTopology(SQUARE, 2);
        assertThatThrownBy(() -> window.add(9, 0, 0, null)).hasMessageContaining("unit 9 is not a unit of the 3x3");
        assertThatThrownBy(() -> window.add(0, -2, 0, null)).hasMessageContaining("secondUnit -2");
    }
}
