package io.vitsom.model.gensom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.vitsom.model.infer.Assignments;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KohonenCodebookTest {
    /** exp(-1 / 2): the neighbourhood of a unit one grid step from the BMU at sigma 1. */
    private static final double H1 = 0.6065306597126334;

    /** A 1x3 map of 2-d prototypes at (0, 0), (1, 0), (3, 0). */
    private static KohonenCodebook line(NDManager manager) {
        KohonenCodebook codebook = new KohonenCodebook(new SomGrid(1, 3, Topology.SQUARE), 2, 0, true, manager);
        codebook.setWeights(new float[] {0, 0, 1, 0, 3, 0});
        return codebook;
    }

    @Test
    void bmuIsTheNearestPrototypeAndSecondTheNextNearest() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // (1, 1): squared distances 2, 1, 5; (2.9, 0.1): 8.42, 3.62, 0.02.
            Assignments a = line(manager).assign(new float[] {1, 1, 2.9f, 0.1f}, 2);
            assertThat(a.bmu()).containsExactly(1, 2);
            assertThat(a.secondBmu()).containsExactly(0, 1);
            assertThat(a.distance()[0]).isCloseTo(1f, within(1e-6f));
            assertThat(a.distance()[1]).isCloseTo((float) Math.sqrt(0.02), within(1e-6f));
        }
    }

    /**
     * v = (1, 1), eta 0.5, sigma 1: BMU 1 (distance 1); h = 1 for it and exp(-1/2) for its two grid neighbours.
     * W1 = (1, 0) + 0.5 (0, 1) = (1, 0.5); W0 = 0.5 h (1, 1) = (0.30327, 0.30327);
     * W2 = (3, 0) + 0.5 h (-2, 1) = (3 - 0.60653, 0.30327).
     */
    @Test
    void classicUpdateMovesEveryUnitByEtaTimesItsNeighbourhood() {
        try (NDManager manager = NDManager.newBaseManager()) {
            KohonenCodebook codebook = line(manager);
            KohonenCodebook.Match[] m = codebook.update(new float[] {1, 1}, 1, 0.5, 1.0);
            assertThat(m[0]).isEqualTo(new KohonenCodebook.Match(1, 1f, 0));
            float side = (float) (0.5 * H1);
            assertThat(codebook.weights()).containsExactly(new float[] {side, side, 1, 0.5f, 3 - 2 * side, side},
                    within(1e-6f));
        }
    }

    /**
     * Sample by sample: after (1, 1) moved the map as above, (2, 0) is nearest to W2 = (2.39347, 0.30327)
     * (squared distance 0.24680) rather than to W1 = (1, 0.5) (1.25), although before the first update it was
     * equally near W1 and W2 (1 each, the first unit winning).
     */
    @Test
    void eachSampleSeesTheMapThePreviousOneLeft() {
        try (NDManager manager = NDManager.newBaseManager()) {
            KohonenCodebook codebook = line(manager);
            assertThat(codebook.assign(new float[] {2, 0}, 1).bmu()).containsExactly(1);
            KohonenCodebook.Match[] m = codebook.update(new float[] {1, 1, 2, 0}, 2, 0.5, 1.0);
            double dx = 2 - (3 - 2 * 0.5 * H1);
            double dy = 0.5 * H1;
            assertThat(m[1].bmu()).isEqualTo(2);
            assertThat(m[1].distance()).isCloseTo((float) Math.sqrt(dx * dx + dy * dy), within(1e-6f));
        }
    }

    @Test
    void zeroRadiusMovesTheBmuAlone() {
        try (NDManager manager = NDManager.newBaseManager()) {
            KohonenCodebook codebook = line(manager);
            codebook.update(new float[] {1, 1}, 1, 0.25, 0);
            assertThat(codebook.weights()).containsExactly(0, 0, 1, 0.25f, 3, 0);
        }
    }

    @Test
    void placementPutsEveryPrototypeNearALatentAndMarksTheCodebook() {
        try (NDManager manager = NDManager.newBaseManager()) {
            KohonenCodebook codebook = new KohonenCodebook(new SomGrid(2, 2, Topology.SQUARE), 2, 0.1, false,
                    manager);
            assertThat(codebook.isInitialised()).isFalse();
            float[] latents = {10, 10, -10, 5};
            codebook.placeAt(latents, 2, 0.001, new Random(1));
            assertThat(codebook.isInitialised()).isTrue();
            float[] w = codebook.weights();
            for (int k = 0; k < 4; k++) {
                double toFirst = Math.hypot(w[2 * k] - 10, w[2 * k + 1] - 10);
                double toSecond = Math.hypot(w[2 * k] + 10, w[2 * k + 1] - 5);
                assertThat(Math.min(toFirst, toSecond)).as("unit %d", k).isLessThan(0.01);
            }
        }
    }
}
