package io.vitsom.model.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartTest {
    private static final Color SWITCH = new Color(0xFF00FF);
    private static final Color DETECTION = new Color(0x00C000);

    private static double[] range(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return x;
    }

    private static double[] constant(int n, double v) {
        double[] y = new double[n];
        java.util.Arrays.fill(y, v);
        return y;
    }

    /** Panel 0: one flat line; panel 1: a rising line and a flat one with a gap; a solid and a dashed marker. */
    private static LineChart twoPanels() {
        double[] x = range(101);
        double[] gapped = constant(101, 50);
        for (int i = 40; i <= 60; i++) {
            gapped[i] = Double.NaN;
        }
        return LineChart.builder().title("test chart").xLabel("images").size(800, 500)
                .panel(LineChart.Panel.of("top", "purity").withYRange(0, 1).with("a", x, constant(101, 0.5)))
                .panel(LineChart.Panel.of("bottom", "QE").with("b", x, range(101)).with("c", x, gapped))
                .marker(25, "switch", SWITCH, false)
                .marker(75, "drift", DETECTION, true)
                .build();
    }

    private static boolean near(BufferedImage img, int x, int y, Color c) {
        int rgb = img.getRGB(x, y);
        return Math.abs((rgb >> 16 & 0xFF) - c.getRed()) <= 30 && Math.abs((rgb >> 8 & 0xFF) - c.getGreen()) <= 30
                && Math.abs((rgb & 0xFF) - c.getBlue()) <= 30;
    }

    private static int count(BufferedImage img, int x0, int y0, int x1, int y1, Color c) {
        int n = 0;
        for (int y = Math.max(0, y0); y < Math.min(img.getHeight(), y1); y++) {
            for (int x = Math.max(0, x0); x < Math.min(img.getWidth(), x1); x++) {
                if (near(img, x, y, c)) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void writesAPngWithSeriesInTheirPanelsAndMarkersAtTheirX(@TempDir Path tmp) throws Exception {
        LineChart chart = twoPanels();
        Path png = tmp.resolve("sub/chart.png");
        chart.writePng(png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(800);
        assertThat(img.getHeight()).isEqualTo(500);

        LineChart.Layout layout = chart.layout(800, 500);
        Rectangle top = layout.plots().get(0);
        Rectangle bottom = layout.plots().get(1);
        assertThat(top.y + top.height).isLessThan(bottom.y);
        Color second = LineChart.PALETTE.get(1);
        // Series "c" (the bottom panel's second, so PALETTE[1]) is drawn in the bottom panel and nowhere above it.
        assertThat(count(img, bottom.x, bottom.y, bottom.x + bottom.width, bottom.y + bottom.height, second))
                .isGreaterThan(100);
        assertThat(count(img, 0, 0, img.getWidth(), top.y + top.height + 1, second)).isZero();
        // ... at its y, and not inside its NaN gap.
        int rowC = (int) Math.round(layout.py(1, 50));
        assertThat(count(img, (int) layout.px(10), rowC - 3, (int) layout.px(30), rowC + 4, second)).isGreaterThan(10);
        assertThat(count(img, (int) layout.px(43), rowC - 3, (int) layout.px(57), rowC + 4, second)).isZero();
        // Series "a" (PALETTE[0]) at y = 0.5 of a fixed 0..1 range: the middle of the top panel.
        int rowA = (int) Math.round(layout.py(0, 0.5));
        assertThat(Math.abs(rowA - (top.y + top.height / 2))).isLessThanOrEqualTo(1);
        assertThat(count(img, (int) layout.px(60), rowA - 2, (int) layout.px(70), rowA + 3, LineChart.PALETTE.get(0)))
                .isGreaterThan(10);

        // The solid marker runs down both panels in its column, and only there (below its label).
        int col = (int) Math.round(layout.px(25));
        assertThat(col).isBetween(top.x + top.width / 4 - 2, top.x + top.width / 4 + 2);
        for (Rectangle r : layout.plots()) {
            assertThat(count(img, col - 1, r.y, col + 2, r.y + r.height, SWITCH)).isGreaterThan(r.height * 8 / 10);
            assertThat(count(img, col + 6, r.y + 20, col + 30, r.y + r.height, SWITCH)).isZero();
            assertThat(count(img, col - 30, r.y, col - 5, r.y + r.height, SWITCH)).isZero();
        }
        assertThat(count(img, col + 2, top.y, col + 60, top.y + 20, SWITCH)).as("its label").isGreaterThan(5);
        // The dashed one is there in pieces: present, but with gaps.
        int dashed = (int) Math.round(layout.px(75));
        int dashes = count(img, dashed, bottom.y, dashed + 1, bottom.y + bottom.height, DETECTION);
        assertThat(dashes).isGreaterThan(bottom.height / 3).isLessThan(bottom.height * 9 / 10);
    }

    @Test
    void ticksAreRoundAndReadable() {
        assertThat(LineChart.ticks(0, 40_000, 4)).containsExactly(0, 10_000, 20_000, 30_000, 40_000);
        assertThat(LineChart.formatTick(20_000, 10_000)).isEqualTo("20k");
        assertThat(LineChart.formatTick(2_500, 2_500 - 2_000)).isEqualTo("2500");
        assertThat(LineChart.formatTick(1_500_000, 500_000)).isEqualTo("1.5M");
        assertThat(LineChart.formatTick(0.30000000000000004, 0.1)).isEqualTo("0.3");
        assertThat(LineChart.formatTick(0.05, 0.05)).isEqualTo("0.05");
        assertThat(LineChart.formatTick(-0.0, 0.2)).isEqualTo("0.0");
        double[] t = LineChart.ticks(0.12, 0.93, 4);
        assertThat(t).containsExactly(0.2, 0.4, 0.6, 0.8);
    }

    @Test
    void aChartNeedsAPanelAndSeriesNeedMatchingLengths() {
        assertThatThrownBy(() -> LineChart.builder().build()).hasMessageContaining("panel");
        assertThatThrownBy(() -> LineChart.Panel.of("p", "y").with("s", new double[2], new double[3]))
                .hasMessageContaining("2 x values and 3 y values");
        assertThatThrownBy(() -> LineChart.Panel.of("p", "y").withYRange(1, 1)).hasMessageContaining("min < max");
    }
}
