package io.vitsom.model.som;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vitsom.model.data.ImageSet;
import io.vitsom.model.metrics.ClusteringMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KohonenSomTest {

    /** Two well-separated clusters of 4x4 gray images: dark (label 0) and bright (label 1), pixels +-20. */
    private static ImageSet twoClusters(int n, long seed) {
        Random rnd = new Random(seed);
        byte[] pixels = new byte[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            int centre = labels[i] == 0 ? 40 : 215;
            for (int p = 0; p < 16; p++) {
                pixels[i * 16 + p] = (byte) (centre + rnd.nextInt(41) - 20);
            }
        }
        return new ImageSet("two-clusters", 1, 4, 4, pixels, labels, List.of());
    }

    /** A one-parameter family: half the pixels at s, the other half at 1 - s, for s = i / (n - 1). */
    private static ImageSet line(int n) {
        byte[] pixels = new byte[n * 16];
        for (int i = 0; i < n; i++) {
            int v = Math.round(255f * i / (n - 1));
            for (int p = 0; p < 16; p++) {
                pixels[i * 16 + p] = (byte) (p < 8 ? v : 255 - v);
            }
        }
        return new ImageSet("line", 1, 4, 4, pixels, new int[n], List.of());
    }

    @Test
    void separatesTwoClusters() {
        SomGrid grid = new SomGrid(6, 6, Topology.SQUARE);
        ImageSet data = twoClusters(400, 1);
        KohonenSom som = new KohonenSom(grid, 16, 42);
        som.train(data, 5, null);
        int[] bmus = som.bmus(data);
        assertThat(ClusteringMetrics.purity(bmus, data.labels())).isEqualTo(1.0);
        // Purity 1 means no unit wins samples of both clusters.
        int[] majority = ClusteringMetrics.majorityLabels(bmus, data.labels(), grid.units());
        assertThat(majority).contains(0, 1);
    }

    @Test
    void aChainMapOrdersALineMonotonically() {
        // 1-D data on a 1x10 map: the classic ordering result, BMU index monotone along the line.
        SomGrid grid = new SomGrid(1, 10, Topology.SQUARE);
        KohonenSom som = new KohonenSom(grid, 16, 1);
        ImageSet data = line(101);
        som.train(data, 20, null);
        int[] bmus = som.bmus(data);
        int direction = Integer.signum(bmus[100] - bmus[0]);
        assertThat(Math.abs(bmus[100] - bmus[0])).isEqualTo(9); // the ends take the two ends of the chain
        for (int i = 1; i < bmus.length; i++) {
            assertThat((bmus[i] - bmus[i - 1]) * direction).isBetween(0, 1);
        }
    }

    @Test
    void neighbouringSamplesLandOnNearbyUnits() {
        // A 21x21 sheet of images (u, v): pixels 0-7 at u, pixels 8-15 at v, u and v in steps of 1/20.
        // On an 8x8 map, grid-neighbour samples must land on the same or touching units (map distance
        // at most sqrt 2) and opposite corners of the sheet on opposite corners of the map (7 sqrt 2).
        int side = 21;
        byte[] pixels = new byte[side * side * 16];
        for (int u = 0; u < side; u++) {
            for (int v = 0; v < side; v++) {
                for (int p = 0; p < 16; p++) {
                    pixels[(u * side + v) * 16 + p] = (byte) Math.round(255f * (p < 8 ? u : v) / (side - 1));
                }
            }
        }
        ImageSet sheet = new ImageSet("sheet", 1, 4, 4, pixels, new int[side * side], List.of());
        SomGrid grid = new SomGrid(8, 8, Topology.SQUARE);
        KohonenSom som = new KohonenSom(grid, 16, 3);
        som.train(sheet, 10, null);
        int[] bmus = som.bmus(sheet);
        double sum = 0;
        int pairs = 0;
        for (int u = 0; u < side; u++) {
            for (int v = 0; v < side; v++) {
                int k = u * side + v;
                for (int other : new int[] {v + 1 < side ? k + 1 : -1, u + 1 < side ? k + side : -1}) {
                    if (other >= 0) {
                        double d = Math.sqrt(grid.squaredDistance(bmus[k], bmus[other]));
                        assertThat(d).isLessThanOrEqualTo(Math.sqrt(2) + 1e-6);
                        sum += d;
                        pairs++;
                    }
                }
            }
        }
        assertThat(sum / pairs).isLessThan(0.6);
        assertThat(Math.sqrt(grid.squaredDistance(bmus[0], bmus[side * side - 1]))).isGreaterThan(9.8);
    }

    @Test
    void firstUpdateFollowsTheKohonenRule() {
        // 1x3 map at positions (0,0), (0,1), (0,2); one sample x = (1, 0) (bytes 255 and 0), one epoch,
        // so the single step runs at sigma = sigmaStart = 1 and lr = learningRateStart = 0.5:
        //   w_j' = w_j + 0.5 * exp(-|j - c|^2 / 2) * (x - w_j)
        // with h = 1 at the BMU c, exp(-1/2) = 0.6065307 one unit away, exp(-2) = 0.1353353 two away.
        SomGrid grid = new SomGrid(1, 3, Topology.SQUARE);
        KohonenSom.Options options = new KohonenSom.Options(1.0, 0.5, 0.5, 0.01, 1e-6, 1);
        KohonenSom som = new KohonenSom(grid, 2, 3, options);
        float[][] before = som.prototypes();
        float[] x = {1f, 0f};
        int c = som.bmu(x);
        ImageSet one = new ImageSet("one", 1, 1, 2, new byte[] {(byte) 255, 0}, new int[] {0}, List.of());
        som.train(one, 1, null);
        float[][] after = som.prototypes();
        double[] h = {1.0, 0.6065306597126334, 0.1353352832366127};
        for (int j = 0; j < 3; j++) {
            double a = 0.5 * h[Math.abs(j - c)];
            for (int i = 0; i < 2; i++) {
                assertThat((double) after[j][i]).isCloseTo(before[j][i] + a * (x[i] - before[j][i]), within(1e-6));
            }
        }
    }

    @Test
    void initialPrototypesAreUniformInThePixelRange() {
        float[][] w = new KohonenSom(new SomGrid(4, 4, Topology.HEXAGONAL), 50, 9).prototypes();
        for (float[] unit : w) {
            for (float v : unit) {
                assertThat(v).isBetween(0f, 1f);
            }
        }
    }

    @Test
    void sameSeedSameMapForAnyThreadCount() {
        // 12x12 = 144 units: enough for two training threads (64 units each at least).
        SomGrid grid = new SomGrid(12, 12, Topology.HEXAGONAL);
        ImageSet data = twoClusters(300, 5);
        KohonenSom.Options base = KohonenSom.Options.defaults(grid);
        KohonenSom one = new KohonenSom(grid, 16, 11, base.withThreads(1));
        KohonenSom two = new KohonenSom(grid, 16, 11, base.withThreads(2));
        KohonenSom again = new KohonenSom(grid, 16, 11, base.withThreads(2));
        KohonenSom other = new KohonenSom(grid, 16, 12, base.withThreads(2));
        for (KohonenSom som : List.of(one, two, again, other)) {
            som.train(data, 2, null);
        }
        assertThat(two.prototypes()).isDeepEqualTo(one.prototypes());
        assertThat(again.prototypes()).isDeepEqualTo(two.prototypes());
        assertThat(Arrays.deepEquals(other.prototypes(), two.prototypes())).isFalse();
    }

    @Test
    void bmuAndDistancesAgree() {
        SomGrid grid = new SomGrid(5, 5, Topology.SQUARE);
        ImageSet data = twoClusters(50, 3);
        KohonenSom som = new KohonenSom(grid, 16, 1);
        som.train(data, 1, null);
        float[][] w = som.prototypes();
        int[] bmus = som.bmus(data);
        for (int i = 0; i < data.size(); i++) {
            float[] x = data.image(i);
            double[] d = som.distances(x);
            int argmin = 0;
            for (int j = 0; j < d.length; j++) {
                double expected = 0;
                for (int k = 0; k < 16; k++) {
                    expected += (x[k] - w[j][k]) * (double) (x[k] - w[j][k]);
                }
                assertThat(d[j]).isCloseTo(Math.sqrt(expected), within(1e-5));
                if (d[j] < d[argmin]) {
                    argmin = j;
                }
            }
            assertThat(som.bmu(x)).isEqualTo(argmin).isEqualTo(bmus[i]);
        }
    }

    @Test
    void reportsProgressEveryThousandSamplesAndAtEpochEnd() {
        ImageSet data = twoClusters(2500, 2);
        KohonenSom som = new KohonenSom(new SomGrid(2, 2, Topology.SQUARE), 16, 1);
        List<String> calls = new ArrayList<>();
        som.train(data, 2, (epoch, seen, total, qe) -> {
            assertThat(qe).isPositive();
            calls.add(epoch + ":" + seen + "/" + total);
        });
        assertThat(calls).containsExactly(
                "1:1000/2500", "1:2000/2500", "1:2500/2500", "2:1000/2500", "2:2000/2500", "2:2500/2500");
    }

    @Test
    void listenerFailureStopsAllTrainingThreads() {
        SomGrid grid = new SomGrid(12, 12, Topology.SQUARE);
        KohonenSom som = new KohonenSom(grid, 16, 1, KohonenSom.Options.defaults(grid).withThreads(2));
        assertThatThrownBy(() -> som.train(twoClusters(1500, 1), 1, (epoch, seen, total, qe) -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    }

    @Test
    void rejectsMismatchedImages() {
        KohonenSom som = new KohonenSom(new SomGrid(2, 2, Topology.SQUARE), 15, 1);
        assertThatThrownBy(() -> som.train(twoClusters(10, 1), 1, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> som.bmu(new float[16])).isInstanceOf(IllegalArgumentException.class);
    }
}
