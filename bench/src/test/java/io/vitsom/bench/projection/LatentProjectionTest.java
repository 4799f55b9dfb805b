package io.vitsom.bench.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatentProjectionTest {

    private static final int DIM = 20;
    private static final int PER_CLUSTER = 60;
    private static final int CLUSTERS = 3;

    /** Three unit-variance Gaussian clusters whose centres are 10 apart on disjoint coordinates. */
    private static float[] clusters(int[] labelsOut) {
        Random random = new Random(11);
        float[] latent = new float[CLUSTERS * PER_CLUSTER * DIM];
        for (int i = 0; i < CLUSTERS * PER_CLUSTER; i++) {
            int cluster = i % CLUSTERS; // interleaved, so index order says nothing about the class
            labelsOut[i] = cluster;
            for (int c = 0; c < DIM; c++) {
                double centre = c / 6 == cluster ? 10 : 0;
                latent[i * DIM + c] = (float) (centre + random.nextGaussian());
            }
        }
        return latent;
    }

    /** Mean share of each point's {@code k} nearest neighbours (in {@code xy}) that carry its label. */
    private static double knnLabelAgreement(double[][] xy, int[] labels, int k) {
        double total = 0;
        for (int i = 0; i < xy.length; i++) {
            double[] distance = new double[xy.length];
            for (int j = 0; j < xy.length; j++) {
                double dx = xy[i][0] - xy[j][0];
                double dy = xy[i][1] - xy[j][1];
                distance[j] = j == i ? Double.POSITIVE_INFINITY : dx * dx + dy * dy;
            }
            int same = 0;
            for (int n = 0; n < k; n++) {
                int nearest = 0;
                for (int j = 1; j < xy.length; j++) {
                    if (distance[j] < distance[nearest]) {
                        nearest = j;
                    }
                }
                same += labels[nearest] == labels[i] ? 1 : 0;
                distance[nearest] = Double.POSITIVE_INFINITY;
            }
            total += (double) same / k;
        }
        return total / xy.length;
    }

    @Test
    void separatedClustersStaySeparatedAndTheSeedFixesTheLayout() {
        int[] labels = new int[CLUSTERS * PER_CLUSTER];
        float[] latent = clusters(labels);

        double[][] xy = LatentProjection.tsne(latent, DIM, 42);
        assertThat(xy).hasDimensions(CLUSTERS * PER_CLUSTER, 2);
        assertThat(knnLabelAgreement(xy, labels, 5)).isGreaterThan(0.9);

        assertThat(LatentProjection.tsne(latent, DIM, 42)).isDeepEqualTo(xy);
    }

    @Test
    void theScaleOfTheLatentDoesNotMatter() {
        // Smile's perplexity calibration alone returned NaN coordinates for some scales (a trained
        // ViT-SOM latent, squared distances in the thousands, after a 30-epoch run).
        int[] labels = new int[CLUSTERS * PER_CLUSTER];
        float[] latent = clusters(labels);
        for (float scale : new float[] {1e-3f, 10f, 30f, 1e3f}) {
            float[] scaled = latent.clone();
            for (int p = 0; p < scaled.length; p++) {
                scaled[p] *= scale;
            }
            double[][] xy = LatentProjection.tsne(scaled, DIM, 42);
            assertThat(Arrays.stream(xy).flatMapToDouble(Arrays::stream))
                    .as("scale %s", scale).allMatch(Double::isFinite);
            assertThat(knnLabelAgreement(xy, labels, 5)).as("scale %s", scale).isGreaterThan(0.9);
        }
    }

    @Test
    void asManyPointsAsDimensionsAreStillReadAsPoints() {
        // Smile takes a square input for a distance matrix; 24 points in 24-D must still be points.
        int n = 24;
        int[] labels = new int[n];
        float[] square = new float[n * n];
        float[] padded = new float[n * (n + 1)]; // one more coordinate, always 0: the same distances
        Random random = new Random(3);
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int c = 0; c < n; c++) {
                boolean high = (c < n / 2) == (labels[i] == 0);
                square[i * n + c] = (float) ((high ? 8 : 0) + random.nextGaussian());
                padded[i * (n + 1) + c] = square[i * n + c];
            }
        }
        double[][] xy = LatentProjection.tsne(square, n, 1);
        assertThat(xy).isDeepEqualTo(LatentProjection.tsne(padded, n + 1, 1));
        // Read as a distance matrix these points land near chance (about 0.5); tiny t-SNE runs may
        // still strand a point in the other cluster, hence not 1.0.
        assertThat(knnLabelAgreement(xy, labels, 3)).isGreaterThan(0.8);
    }

    @Test
    void writesADecodablePngWithTheClassColours(@TempDir Path dir) throws IOException {
        int[] labels = new int[CLUSTERS * PER_CLUSTER];
        float[] latent = clusters(labels);
        Path png = dir.resolve("nested/latent.png");

        Path written = LatentProjection.write(latent, DIM, labels, new String[] {"zero", "one", "two"},
                "latent space", 7, png);

        assertThat(written).isEqualTo(png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(LatentProjection.PLOT_SIZE + LatentProjection.LEGEND_COLUMN_WIDTH);
        assertThat(image.getHeight()).isEqualTo(LatentProjection.PLOT_SIZE);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y) & 0xFFFFFF);
            }
        }
        assertThat(colours).hasSizeGreaterThan(3);
    }

    @Test
    void manyClassesGetMoreLegendColumns() {
        int classes = 40; // more than one 32-row column
        double[][] xy = new double[classes][];
        int[] labels = new int[classes];
        for (int c = 0; c < classes; c++) {
            xy[c] = new double[] {c, c % 7};
            labels[c] = c;
        }
        BufferedImage image = LatentProjection.render(xy, labels, null, "forty classes");
        assertThat(image.getWidth()).isEqualTo(LatentProjection.PLOT_SIZE + 2 * LatentProjection.LEGEND_COLUMN_WIDTH);
        assertThat(image.getHeight()).isEqualTo(LatentProjection.PLOT_SIZE);
    }

    @Test
    void invalidArgumentsAreRejectedByName() {
        assertThatThrownBy(() -> LatentProjection.tsne(new float[8], 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dim must be at least 1");
        assertThatThrownBy(() -> LatentProjection.tsne(new float[9], 2, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a multiple of dim = 2");
        assertThatThrownBy(() -> LatentProjection.tsne(new float[6], 2, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 4 points");
        double[][] onePoint = {{0, 0}};
        assertThatThrownBy(() -> LatentProjection.render(onePoint, new int[] {3}, new String[] {"a"}, "t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labels[0] = 3");
        assertThatThrownBy(() -> LatentProjection.render(onePoint, new int[2], null, "t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labels has 2 entries for 1 points");
        assertThatThrownBy(() -> LatentProjection.write(new float[8], 2, new int[3], null, "t", 1, Path.of("x.png")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labels has 3 entries for 4");
    }
}
