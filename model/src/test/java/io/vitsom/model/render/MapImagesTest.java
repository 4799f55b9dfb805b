package io.vitsom.model.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.config.Distance;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapImagesTest {

    private static final int PAD = 4; // MapImages' margin around label and hit maps

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xFFFFFF;
    }

    /** One constant 2x2 gray image per unit: unit k has value values[k]. */
    private static float[][] constantTiles(float... values) {
        float[][] images = new float[values.length][4];
        for (int k = 0; k < values.length; k++) {
            Arrays.fill(images[k], values[k]);
        }
        return images;
    }

    @Test
    void squareMosaicGeometryAndPixels() {
        // 2x3 map, 2x2 tiles at scale 3 -> 6x6 px tiles, gap 1:
        // width 1 + 3 * (6 + 1) = 22, height 1 + 2 * (6 + 1) = 15.
        SomGrid grid = new SomGrid(2, 3, Topology.SQUARE);
        BufferedImage img = MapImages.prototypeMosaic(
                constantTiles(0f, 0.2f, 1.7f, -0.3f, 0.5f, 1f), 1, 2, 2, grid, 3, 1);
        assertThat(img.getWidth()).isEqualTo(22);
        assertThat(img.getHeight()).isEqualTo(15);
        // Unit 4 (row 1, col 1) starts at x = 1 + 7 = 8, y = 1 + 7 = 8; 0.5 * 255 = 127.5 -> 128 = 0x80.
        assertThat(rgb(img, 8, 8)).isEqualTo(0x808080);
        assertThat(rgb(img, 13, 13)).isEqualTo(0x808080); // last pixel of that tile
        // Unit 2 holds 1.7, clamped to 1 -> white; unit 3 holds -0.3, clamped to 0 -> black.
        assertThat(rgb(img, 15 + 2, 1 + 2)).isEqualTo(0xFFFFFF);
        assertThat(rgb(img, 1, 8)).isEqualTo(0x000000);
        // Gaps are background: (0, 0) and the column between units 0 and 1 at x = 7.
        assertThat(rgb(img, 0, 0)).isEqualTo(MapImages.BACKGROUND_RGB);
        assertThat(rgb(img, 7, 3)).isEqualTo(MapImages.BACKGROUND_RGB);
    }

    @Test
    void hexMosaicShiftsOddRowsByHalfATile() {
        // Same map as hexagonal: odd rows move right by (6 + 1) / 2 = 3 px, and the image widens by 3.
        SomGrid grid = new SomGrid(2, 3, Topology.HEXAGONAL);
        BufferedImage img = MapImages.prototypeMosaic(constantTiles(1, 1, 1, 0, 0, 0), 1, 2, 2, grid, 3, 1);
        assertThat(img.getWidth()).isEqualTo(25);
        assertThat(img.getHeight()).isEqualTo(15);
        // Unit 3 (row 1, col 0) now spans x 4..9 instead of 1..6.
        assertThat(rgb(img, 3, 8)).isEqualTo(MapImages.BACKGROUND_RGB);
        assertThat(rgb(img, 4, 8)).isEqualTo(0x000000);
        assertThat(rgb(img, 9, 13)).isEqualTo(0x000000);
        // Row 0 is not shifted: unit 0 starts at x = 1.
        assertThat(rgb(img, 1, 1)).isEqualTo(0xFFFFFF);
    }

    @Test
    void rgbMosaicReadsChannelPlanes() {
        // One 1x1 RGB image per unit, CHW: R plane 1.0, G plane 0.0, B plane 0.5 -> 0xFF0080.
        SomGrid grid = new SomGrid(1, 1, Topology.SQUARE);
        BufferedImage img = MapImages.prototypeMosaic(new float[][] {{1f, 0f, 0.5f}}, 3, 1, 1, grid, 2, 0);
        assertThat(img.getWidth()).isEqualTo(2);
        assertThat(rgb(img, 1, 1)).isEqualTo(0xFF0080);
    }

    @Test
    void labelMapColoursAndEmptyUnits() {
        // 2x2 map, 10 px cells (9 px filled + 1 px gap line), margin 4:
        //   unit 0 label 0 -> tab10 blue 0x1f77b4 at x, y 4..12
        //   unit 1 label 1 -> tab10 orange 0xff7f0e at x 14..22
        //   unit 2 empty   -> 0xEEEEEE with a 0x999999 cross from (5,15) to (11,21), at y 14..22
        //   unit 3 label 2 -> tab10 green 0x2ca02c
        SomGrid grid = new SomGrid(2, 2, Topology.SQUARE);
        BufferedImage img = MapImages.labelMap(new int[] {0, 1, -1, 2}, 3, grid, 10, List.of("zero", "one", "two"));
        assertThat(rgb(img, 8, 8)).isEqualTo(0x1f77b4);
        assertThat(rgb(img, 18, 8)).isEqualTo(0xff7f0e);
        assertThat(rgb(img, 18, 18)).isEqualTo(0x2ca02c);
        assertThat(rgb(img, 8, 14)).isEqualTo(MapImages.EMPTY_RGB); // top edge of the empty cell, off the cross
        assertThat(rgb(img, 5, 15)).isEqualTo(MapImages.EMPTY_CROSS_RGB);
        assertThat(rgb(img, 13, 8)).isEqualTo(MapImages.BACKGROUND_RGB); // gap line between units 0 and 1
        // The legend lies below the 2 x 10 px map and its margins.
        assertThat(img.getWidth()).isGreaterThanOrEqualTo(20 + 2 * PAD);
        assertThat(img.getHeight()).isGreaterThan(20 + 3 * PAD + 12);
        // Legend swatches start at x = 4 just below the map (y = 4 + 20 + 4 = 28): the first is class 0.
        assertThat(rgb(img, PAD + 6, 28 + 6)).isEqualTo(0x1f77b4);
    }

    @Test
    void paletteSwitchesWithClassCount() {
        assertThat(MapImages.classRgb(1, 10)).isEqualTo(0xff7f0e); // tab10
        assertThat(MapImages.classRgb(1, 20)).isEqualTo(0xaec7e8); // tab20
        assertThat(MapImages.classRgb(0, 30)).isNotEqualTo(MapImages.classRgb(1, 30));
    }

    @Test
    void hitMapUsesViridisBetweenMinAndMax() {
        // hits (0, 5, 10, 5) on 2x2: t = 0, 0.5, 1, 0.5.
        //   t = 0 -> viridis start 0x440154; t = 1 -> end 0xfde725;
        //   t = 0.5 -> halfway between stops 4 (0x26828e) and 5 (0x1f9e89):
        //   r (38 + 31) / 2 = 34.5 -> 35 = 0x23, g (130 + 158) / 2 = 144 = 0x90, b (142 + 137) / 2 = 139.5 -> 140 = 0x8c.
        SomGrid grid = new SomGrid(2, 2, Topology.SQUARE);
        BufferedImage img = MapImages.hitMap(new int[] {0, 5, 10, 5}, grid, 10);
        assertThat(rgb(img, 8, 8)).isEqualTo(0x440154);
        assertThat(rgb(img, 18, 8)).isEqualTo(0x23908c);
        assertThat(rgb(img, 8, 18)).isEqualTo(0xfde725);
        // Colour bar right below the map (y = 28): dark at the left end, yellow at the right end.
        assertThat(rgb(img, PAD, 30)).isEqualTo(0x440154);
        assertThat(rgb(img, img.getWidth() - PAD - 1, 30)).isEqualTo(0xfde725);
        assertThat(MapImages.viridis(0.5)).isEqualTo(0x23908c);
    }

    @Test
    void logScaleHitMap() {
        // hits (0, 1, 3, 15): log1p -> 0, ln 2, 2 ln 2, 4 ln 2 -> t = 0, 1/4, 1/2, 1;
        // t = 1/2 is the same 0x23908c as above, where the linear scale would give t = 1/5.
        BufferedImage img = MapImages.hitMap(new int[] {0, 1, 3, 15}, new SomGrid(2, 2, Topology.SQUARE), 10, true);
        int mid = rgb(img, 8, 18);
        assertThat(Math.abs((mid >> 16) - 0x23)).isLessThanOrEqualTo(1);
        assertThat(Math.abs(((mid >> 8) & 0xFF) - 0x90)).isLessThanOrEqualTo(1);
        assertThat(Math.abs((mid & 0xFF) - 0x8c)).isLessThanOrEqualTo(1);
    }

    @Test
    void pngRoundTrip(@TempDir Path dir) throws Exception {
        SomGrid grid = new SomGrid(3, 4, Topology.HEXAGONAL);
        BufferedImage img = MapImages.hitMap(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, grid, 8, true);
        Path file = dir.resolve("nested/hits.png");
        MapImages.writePng(img, file);
        BufferedImage back = ImageIO.read(file.toFile());
        assertThat(back.getWidth()).isEqualTo(img.getWidth());
        assertThat(back.getHeight()).isEqualTo(img.getHeight());
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                assertThat(rgb(back, x, y)).isEqualTo(rgb(img, x, y));
            }
        }
    }

    /** One 1-D prototype per unit: Euclidean and Manhattan distances are then |a - b|. */
    private static float[][] scalars(float... values) {
        float[][] out = new float[values.length][];
        for (int k = 0; k < values.length; k++) {
            out[k] = new float[] {values[k]};
        }
        return out;
    }

    @Test
    void uMatrixIsTheMeanDistanceToTheFourGridNeighbours() {
        // 3x3 square map, prototypes   0 1 2      e.g. unit 4 (value 3): neighbours 1, 3, 5, 7 (values 1, 1, 1, 0)
        //                              1 3 1      -> (2 + 2 + 2 + 3) / 4 = 9/4; corner unit 8 (value 4): neighbours
        //                              0 0 4      5 and 7 (values 1, 0) -> (3 + 4) / 2 = 7/2.
        SomGrid grid = new SomGrid(3, 3, Topology.SQUARE);
        float[][] prototypes = scalars(0, 1, 2, 1, 3, 1, 0, 0, 4);
        double[] expected = {1, 4.0 / 3, 1, 4.0 / 3, 9.0 / 4, 2, 0.5, 7.0 / 3, 3.5};
        assertThat(MapImages.uMatrixValues(prototypes, grid, Distance.EUCLIDEAN))
                .containsExactly(expected, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(MapImages.uMatrixValues(prototypes, grid, Distance.MANHATTAN))
                .containsExactly(expected, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void uMatrixUsesTheMapsDistance() {
        // Cosine: every unit points along x except the centre (along y, distance 1 to all four neighbours); edge
        // units see the centre among 3 neighbours (1/3), corners see none (0). Euclidean in 2-D: |(3,4) - 0| = 5.
        SomGrid grid = new SomGrid(3, 3, Topology.SQUARE);
        float[][] prototypes = new float[9][];
        for (int k = 0; k < 9; k++) {
            prototypes[k] = new float[] {2, 0};
        }
        prototypes[4] = new float[] {0, 0.5f};
        assertThat(MapImages.uMatrixValues(prototypes, grid, Distance.COSINE)).containsExactly(
                new double[] {0, 1.0 / 3, 0, 1.0 / 3, 1, 1.0 / 3, 0, 1.0 / 3, 0},
                org.assertj.core.data.Offset.offset(1e-12));
        float[][] pair = {{3, 4}, {0, 0}};
        assertThat(MapImages.uMatrixValues(pair, new SomGrid(1, 2, Topology.SQUARE), Distance.EUCLIDEAN))
                .containsExactly(5, 5);
        assertThat(MapImages.uMatrixValues(pair, new SomGrid(1, 2, Topology.SQUARE), Distance.COSINE))
                .as("a zero vector is at cosine distance 1").containsExactly(1, 1);
    }

    @Test
    void hexagonalUMatrixAveragesOverSixNeighbours() {
        // 3x3 hexagonal map, odd rows shifted right: the centre (row 1, col 1) touches units 1, 2, 3, 5, 7, 8.
        // Only the centre holds 1: centre -> 6/6 = 1; unit 1 touches 0, 2, 3, 4 -> 1/4; unit 3 touches
        // 0, 1, 4, 6, 7 -> 1/5; unit 0 touches 1 and 3 -> 0.
        SomGrid grid = new SomGrid(3, 3, Topology.HEXAGONAL);
        double[] values = MapImages.uMatrixValues(scalars(0, 0, 0, 0, 1, 0, 0, 0, 0), grid, Distance.EUCLIDEAN);
        assertThat(values[4]).isEqualTo(1.0);
        assertThat(values[1]).isEqualTo(0.25);
        assertThat(values[3]).isEqualTo(0.2);
        assertThat(values[0]).isZero();
    }

    @Test
    void uMatrixImageColoursTheSmallestAndLargestValues() {
        SomGrid grid = new SomGrid(3, 3, Topology.SQUARE);
        BufferedImage img = MapImages.uMatrix(scalars(0, 1, 2, 1, 3, 1, 0, 0, 4), grid, Distance.EUCLIDEAN, 10);
        assertThat(img.getHeight()).isGreaterThan(3 * 10 + 2 * PAD);
        // Unit 6 (row 2, col 0) has the smallest value 1/2, unit 8 (row 2, col 2) the largest 7/2.
        assertThat(rgb(img, PAD + 2, PAD + 20 + 2)).isEqualTo(0x440154);
        assertThat(rgb(img, PAD + 20 + 2, PAD + 20 + 2)).isEqualTo(0xfde725);
        assertThatThrownBy(() -> MapImages.uMatrix(new float[][] {{1}, {1, 2}}, new SomGrid(1, 2, Topology.SQUARE),
                Distance.EUCLIDEAN, 10)).hasMessageContaining("unit 1 has 2 values");
        assertThatThrownBy(() -> MapImages.uMatrixValues(new float[][] {{1}, null}, new SomGrid(1, 2, Topology.SQUARE),
                Distance.EUCLIDEAN)).hasMessageContaining("unit 1 is missing");
    }

    @Test
    void rejectsWrongUnitCounts() {
        SomGrid grid = new SomGrid(2, 2, Topology.SQUARE);
        assertThatThrownBy(() -> MapImages.hitMap(new int[3], grid, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MapImages.labelMap(new int[] {0, 0, 0, 5}, 3, grid, 5, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
