package io.vitsom.model.render;

import io.vitsom.model.som.SomGrid;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * The winners picture of URL-SOM (its Fig. 4, 6 and 8): every image is a small dot at the grid position of the unit it
 * wins, moved by uniform jitter in (-{@value #JITTER}, {@value #JITTER}) of a cell on both axes so that the images
 * sharing a unit spread over it, and coloured by its label ({@link MapImages#classRgb}: tab10 for up to ten classes;
 * unlabelled images gray). Units that win nothing stay white, so dead units and the borders between clusters show.
 *
 * <p>Units are laid out as {@link MapImages} lays them out (unit {@code k} at row {@code k / cols}, column
 * {@code k % cols}; on hexagonal grids odd rows shifted right by half a cell). The map is scaled to about
 * {@value #TARGET_WIDTH} px wide, on a white background with faint cell outlines, with a legend (class, images) below.
 * Pure and deterministic: the same arguments and seed give the same bytes.
 */
public final class WinnersPlot {
    /** Half-width of the jitter, in cells. */
    public static final double JITTER = 0.4;
    /** Colour of unlabelled images. */
    public static final int UNLABELLED_RGB = 0xB0B0B0;
    /** Colour of the cell outlines. */
    public static final int OUTLINE_RGB = 0xEBEBEB;
    /** The map's width the cell size aims at, in pixels. */
    public static final int TARGET_WIDTH = 900;

    private static final int PAD = 8;
    private static final int SWATCH = 10;
    private static final int MIN_CELL = 6;

    private WinnersPlot() {
    }

    /**
     * The picture as PNG bytes.
     *
     * @param units the winning unit of every image, in {@code [0, grid.units())}
     * @param labels every image's label, {@code -1} for unlabelled
     * @param classNames names indexed by label, or null (or empty) to number the classes; when given, labels must be
     *     below its length
     * @param seed seed of the jitter
     */
    public static byte[] png(SomGrid grid, int[] units, int[] labels, String[] classNames, long seed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(render(grid, units, labels, classNames, seed), "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory", e);
        }
        return out.toByteArray();
    }

    /** The picture of {@link #png} as an image. */
    public static BufferedImage render(SomGrid grid, int[] units, int[] labels, String[] classNames, long seed) {
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(units, "units");
        Objects.requireNonNull(labels, "labels");
        if (units.length != labels.length) {
            throw new IllegalArgumentException("units and labels differ in length: " + units.length + " vs "
                    + labels.length);
        }
        int maxLabel = -1;
        for (int i = 0; i < units.length; i++) {
            if (units[i] < 0 || units[i] >= grid.units()) {
                throw new IllegalArgumentException("unit " + units[i] + " of image " + i + " outside [0, "
                        + grid.units() + ")");
            }
            if (labels[i] < -1) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is below -1");
            }
            maxLabel = Math.max(maxLabel, labels[i]);
        }
        boolean named = classNames != null && classNames.length > 0;
        if (named && maxLabel >= classNames.length) {
            throw new IllegalArgumentException("label " + maxLabel + " but only " + classNames.length + " class names");
        }
        int numClasses = named ? classNames.length : maxLabel + 1;
        int[] counts = new int[numClasses + 1]; // the last counts the unlabelled images
        for (int label : labels) {
            counts[label < 0 ? numClasses : label]++;
        }

        int cell = cellPixels(grid);
        double shiftCells = MapImages.shiftsOddRows(grid) ? 0.5 : 0;
        int mapW = (int) Math.ceil((grid.cols() + shiftCells) * cell);
        int mapH = grid.rows() * cell;
        List<String> names = new ArrayList<>();
        List<Integer> colours = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            names.add((named ? classNames[c] : Integer.toString(c)) + " (" + counts[c] + ")");
            colours.add(MapImages.classRgb(c, numClasses));
        }
        if (counts[numClasses] > 0) {
            names.add("unlabelled (" + counts[numClasses] + ")");
            colours.add(UNLABELLED_RGB);
        }
        Legend legend = new Legend(names, colours, SWATCH);
        int imageW = mapW + 2 * PAD;
        int legendH = legend.height(imageW - 2 * PAD);
        int imageH = PAD + mapH + PAD + legendH + PAD;

        BufferedImage img = new BufferedImage(imageW, imageH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(new Color(MapImages.BACKGROUND_RGB));
            g.fillRect(0, 0, imageW, imageH);
            g.setColor(new Color(OUTLINE_RGB));
            for (int k = 0; k < grid.units(); k++) {
                g.drawRect(PAD + (int) Math.round(left(grid, k) * cell), PAD + grid.row(k) * cell, cell - 1, cell - 1);
            }
            // Dots without antialiasing, so every dot keeps its class's exact colour.
            int dot = cell >= 16 ? 3 : 2;
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < units.length; i++) {
                int x0 = PAD + (int) Math.round(left(grid, units[i]) * cell);
                int y0 = PAD + grid.row(units[i]) * cell;
                // The dot's corner inside the cell, clear of its outline.
                int dx = inside((0.5 + jitter(random)) * cell, dot, cell);
                int dy = inside((0.5 + jitter(random)) * cell, dot, cell);
                g.setColor(new Color(labels[i] < 0 ? UNLABELLED_RGB : MapImages.classRgb(labels[i], numClasses)));
                g.fillRect(x0 + dx, y0 + dy, dot, dot);
            }
            legend.draw(g, PAD, PAD + mapH + PAD, imageW - 2 * PAD, Legend::fill);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Pixels per cell: the map about {@link #TARGET_WIDTH} wide, cells at least {@value #MIN_CELL} px. */
    static int cellPixels(SomGrid grid) {
        double widthCells = grid.cols() + (MapImages.shiftsOddRows(grid) ? 0.5 : 0);
        return Math.max(MIN_CELL, (int) Math.floor(TARGET_WIDTH / widthCells));
    }

    /** Left edge of unit {@code k}'s cell, in cells. */
    static double left(SomGrid grid, int k) {
        return grid.col(k) + (MapImages.isShifted(grid, k) ? 0.5 : 0);
    }

    /** The offset in a cell of a {@code dot}-pixel square centred at {@code centre}, kept off the cell's outline. */
    private static int inside(double centre, int dot, int cell) {
        return Math.max(1, Math.min(cell - 1 - dot, (int) Math.floor(centre) - dot / 2));
    }

    /** Uniform in [-JITTER, JITTER). */
    private static double jitter(SplittableRandom random) {
        return (random.nextDouble() * 2 - 1) * JITTER;
    }
}
