package io.vitsom.model.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class WinnersPlotTest {
    private static final int PAD = 8; // WinnersPlot's margin

    private static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img).as("decodes as PNG").isNotNull();
        return img;
    }

    /** Every pixel of the map area with colour {@code rgb}, as {x, y}. */
    private static List<int[]> pixelsOf(BufferedImage img, int mapW, int mapH, int rgb) {
        List<int[]> out = new ArrayList<>();
        for (int y = PAD; y < PAD + mapH; y++) {
            for (int x = PAD; x < PAD + mapW; x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    out.add(new int[] {x, y});
                }
            }
        }
        return out;
    }

    @Test
    void oneImageIsADotOfItsClassColourInsideItsUnitsCell() throws IOException {
        // 3x3 map: 900 / 3 = 300 px cells. The image wins unit 5 (row 1, column 2) and carries label 2 of 3.
        SomGrid grid = new SomGrid(3, 3, Topology.SQUARE);
        BufferedImage img = decode(WinnersPlot.png(grid, new int[] {5}, new int[] {2},
                new String[] {"zero", "one", "two"}, 7));

        assertThat(img.getWidth()).isEqualTo(900 + 2 * PAD);
        assertThat(img.getHeight()).isGreaterThan(900 + 2 * PAD);
        int green = MapImages.classRgb(2, 3);
        List<int[]> dot = pixelsOf(img, 900, 900, green);
        assertThat(dot).as("a 3x3 px dot").hasSize(9);
        for (int[] p : dot) {
            // Column 2 spans x in [PAD + 600, PAD + 900), row 1 y in [PAD + 300, PAD + 600); the jitter keeps the dot
            // within 0.4 of a cell of the centre: (0.1 .. 0.9) * 300 px into the cell.
            assertThat(p[0] - PAD - 600).isBetween(30 - 2, 270 + 1);
            assertThat(p[1] - PAD - 300).isBetween(30 - 2, 270 + 1);
        }
        // The rest of the map is white, apart from the faint cell outlines.
        assertThat(img.getRGB(PAD + 150, PAD + 150) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(img.getRGB(PAD, PAD + 10) & 0xFFFFFF).isEqualTo(WinnersPlot.OUTLINE_RGB);
        // The legend below the map holds the class colours.
        assertThat(pixelsOf(img, 900, img.getHeight() - 2 * PAD, MapImages.classRgb(0, 3))).isNotEmpty();
    }

    @Test
    void theSameSeedDrawsTheSameJitterAndUnlabelledImagesAreGray() throws IOException {
        SomGrid grid = new SomGrid(4, 5, Topology.HEXAGONAL);
        // The two unlabelled images are alone in their units (3 and 12), so no other dot covers theirs.
        int[] units = {0, 0, 3, 7, 19, 12};
        int[] labels = {0, 1, -1, 1, 0, -1};
        byte[] a = WinnersPlot.png(grid, units, labels, null, 3);
        assertThat(WinnersPlot.png(grid, units, labels, null, 3)).isEqualTo(a);
        assertThat(WinnersPlot.png(grid, units, labels, null, 4)).isNotEqualTo(a);
        BufferedImage img = decode(a);
        // 5 columns + half a cell of hexagonal shift: 900 / 5.5 = 163 px cells.
        assertThat(img.getWidth()).isEqualTo((int) Math.ceil(5.5 * 163) + 2 * PAD);
        assertThat(pixelsOf(img, img.getWidth() - 2 * PAD, 4 * 163, WinnersPlot.UNLABELLED_RGB)).hasSize(2 * 9);
    }

    @Test
    void badInputNamesWhatIsWrong() {
        SomGrid grid = new SomGrid(2, 2, Topology.SQUARE);
        assertThatThrownBy(() -> WinnersPlot.png(grid, new int[] {4}, new int[] {0}, null, 0))
                .hasMessageContaining("unit 4 of image 0 outside [0, 4)");
        assertThatThrownBy(() -> WinnersPlot.png(grid, new int[] {0, 1}, new int[] {0}, null, 0))
                .hasMessageContaining("differ in length");
        assertThatThrownBy(() -> WinnersPlot.png(grid, new int[] {0}, new int[] {3}, new String[] {"a", "b"}, 0))
                .hasMessageContaining("only 2 class names");
    }
}
