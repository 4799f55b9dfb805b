package io.vitsom.bench.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftChartTest {
    /** Taller than any glyph of a marker's label: only a marker line is this long. */
    private static final int LINE_ROWS = 50;

    @Test
    void eachDetectionIsASolidLineAcrossThePanels(@TempDir Path tmp) throws Exception {
        BufferedImage png = png(DriftReports.complete(DriftReports.DETECTIONS), tmp);
        assertThat(png.getWidth()).isEqualTo(1000);
        assertThat(png.getHeight()).isEqualTo(760);
        assertThat(verticalLines(png, DriftChart.DETECTION)).isEqualTo(DriftReports.DETECTIONS.size());
        assertThat(verticalLines(png(DriftReports.complete(List.of()), tmp), DriftChart.DETECTION)).isZero();
    }

    @Test
    void theArmingIsMarkedOnlyWhenTheDetectorsArmed(@TempDir Path tmp) throws Exception {
        assertThat(pixels(png(DriftReports.stationary(List.of(), OptionalLong.of(1000), 3000), tmp),
                DriftChart.ARMED)).isPositive();
        assertThat(pixels(png(DriftReports.stationary(List.of(), OptionalLong.empty(), 0), tmp), DriftChart.ARMED))
                .isZero();
    }

    private static BufferedImage png(DriftReport report, Path tmp) throws Exception {
        Path file = tmp.resolve("drift.png");
        DriftChart.of(report).writePng(file);
        return ImageIO.read(file.toFile());
    }

    /** Runs of adjacent columns holding at least {@link #LINE_ROWS} consecutive pixels of exactly {@code colour}. */
    private static int verticalLines(BufferedImage image, Color colour) {
        int lines = 0;
        boolean inLine = false;
        for (int x = 0; x < image.getWidth(); x++) {
            boolean line = longestRun(image, x, colour.getRGB()) >= LINE_ROWS;
            if (line && !inLine) {
                lines++;
            }
            inLine = line;
        }
        return lines;
    }

    private static int longestRun(BufferedImage image, int x, int argb) {
        int longest = 0;
        int run = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            run = image.getRGB(x, y) == argb ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    private static int pixels(BufferedImage image, Color colour) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += image.getRGB(x, y) == colour.getRGB() ? 1 : 0;
            }
        }
        return n;
    }
}
