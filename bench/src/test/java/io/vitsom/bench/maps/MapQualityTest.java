package io.vitsom.bench.maps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vitsom.model.data.ImageSet;
import io.vitsom.model.metrics.ClusteringMetrics;
import io.vitsom.model.som.KohonenSom;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class MapQualityTest {
    @Test
    void groupedPurityMergesUnitsByWardOfTheirPrototypes() {
        // Four 1-D prototypes: units 0 and 1 near 0, units 2 and 3 near 10, so k = 2 groups {0, 1} and {2, 3}.
        float[] prototypes = {0f, 0.1f, 10f, 10.1f};
        int[] bmus = {0, 1, 1, 2, 3, 3};
        int[] labels = {0, 0, 1, 1, 1, 0};
        // Group {0, 1} holds labels 0, 0, 1 (majority 2 of 3); group {2, 3} holds 1, 1, 0 (2 of 3): purity 4/6.
        double[] grouped = MapQuality.grouped(prototypes, 1, 2, bmus, labels);
        assertThat(grouped[0]).isCloseTo(4.0 / 6, within(1e-12));
        // With k >= units there is nothing to group.
        assertThat(MapQuality.grouped(prototypes, 1, 4, bmus, labels)).containsOnly(Double.NaN);
    }

    @Test
    void measuresAKohonenMapOnItsEvaluatedSet() {
        ImageSet data = twoHalves(120);
        KohonenSom som = new KohonenSom(new SomGrid(4, 4, Topology.SQUARE), data.imageSize(), 3);
        som.train(data, 5, (epoch, seen, total, qe) -> { });
        KohonenMap map = new KohonenMap(som);
        int[] bmus = map.bmus(data);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        MapQuality q = MapQuality.measure(map, data, bmus, true, 0, new PrintStream(log));

        // Two well-separated classes: two Ward groups and k-means on the pixels both recover them.
        assertThat(q.purityKClasses()).isEqualTo(1.0);
        assertThat(q.nmiKClasses()).isCloseTo(1.0, within(1e-9));
        assertThat(q.purityKmeansLatent()).isEqualTo(1.0);
        // 16 units cannot be grouped into 64.
        assertThat(q.purityK64()).isNaN();
        assertThat(q.quantizationError()).isPositive();
        assertThat(q.topographicError()).isBetween(0.0, 1.0);
        assertThat(q.trustworthiness()).isBetween(0.5, 1.0);
        assertThat(q.neighbourhoodPreservation()).isBetween(0.5, 1.0);
        // Neural selectivity and dead units come from the same BMUs as purity.
        assertThat(q.neuralSelectivity()).isEqualTo(ClusteringMetrics.neuralSelectivity(bmus, data.labels(), 16))
                .isBetween(0.5, 1.0);
        assertThat(q.deadUnits()).isEqualTo(ClusteringMetrics.deadUnits(bmus, 16)).isBetween(0.0, 15.0);
        assertThat(q.values()).hasSize(MapQuality.KEYS.size());
        assertThat(MapQuality.KEYS).endsWith("neural_selectivity", "dead_units");
        assertThat(log.toString()).contains("Ward grouping of 16 prototypes").contains("k-means on the latent");
    }

    /** Images of two classes: a bright left half or a bright right half, with noise. */
    static ImageSet twoHalves(int n) {
        java.util.Random random = new java.util.Random(5);
        byte[] pixels = new byte[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int p = 0; p < 64; p++) {
                boolean left = p % 8 < 4;
                pixels[i * 64 + p] = (byte) ((left == (labels[i] == 0) ? 200 : 20) + random.nextInt(40));
            }
        }
        return new ImageSet("two-halves", 1, 8, 8, pixels, labels, java.util.List.of());
    }
}
