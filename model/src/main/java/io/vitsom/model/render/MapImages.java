package io.vitsom.model.render;

import io.vitsom.model.config.Distance;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Pictures of a trained SOM: the prototype mosaic, the majority-label map, the hit map and the U-matrix.
 *
 * <p>Units are laid out row-major like {@link SomGrid} numbers them (unit {@code k} at row
 * {@code k / cols}, column {@code k % cols}). On hexagonal grids odd rows are shifted right by half a
 * cell, which is how the map's positions are defined; cells stay rectangular.
 */
public final class MapImages {

    /** Fill of units that received no labelled sample. */
    public static final int EMPTY_RGB = 0xEEEEEE;
    /** Colour of the cross drawn over empty units. */
    public static final int EMPTY_CROSS_RGB = 0x999999;
    /** Background of all images (also the gaps between mosaic tiles). */
    public static final int BACKGROUND_RGB = 0xFFFFFF;

    private static final int PAD = 4;
    private static final int SWATCH = 12;

    // matplotlib's tab10 and tab20 qualitative palettes.
    private static final int[] TAB10 = {
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
    private static final int[] TAB20 = {
        0x1f77b4, 0xaec7e8, 0xff7f0e, 0xffbb78, 0x2ca02c, 0x98df8a, 0xd62728, 0xff9896, 0x9467bd, 0xc5b0d5,
        0x8c564b, 0xc49c94, 0xe377c2, 0xf7b6d2, 0x7f7f7f, 0xc7c7c7, 0xbcbd22, 0xdbdb8d, 0x17becf, 0x9edae5};
    // matplotlib's viridis sampled at 10 evenly spaced points; interpolated linearly in between.
    private static final int[] VIRIDIS = {
        0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6ece58, 0xb5de2b, 0xfde725};

    private MapImages() {
    }

    /**
     * Every unit's decoded image as one tile of a mosaic shaped like the map.
     *
     * @param images one CHW image per unit, {@code [units][channels * height * width]}; values are
     *     clamped to [0, 1]
     * @param channels 1 (gray) or 3 (RGB)
     * @param scale each pixel becomes a {@code scale x scale} block
     * @param gap background pixels between tiles and around the border
     */
    public static BufferedImage prototypeMosaic(
            float[][] images, int channels, int height, int width, SomGrid grid, int scale, int gap) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (height <= 0 || width <= 0 || scale <= 0 || gap < 0) {
            throw new IllegalArgumentException("bad mosaic geometry: " + height + "x" + width
                    + ", scale " + scale + ", gap " + gap);
        }
        checkUnits(images.length, grid, "images");
        int plane = height * width;
        int tileW = width * scale;
        int tileH = height * scale;
        int shift = hexShift(grid, tileW + gap);
        int imageW = gap + grid.cols() * (tileW + gap) + shift;
        int imageH = gap + grid.rows() * (tileH + gap);
        BufferedImage out = filled(imageW, imageH);
        for (int k = 0; k < grid.units(); k++) {
            float[] img = images[k];
            if (img.length != channels * plane) {
                throw new IllegalArgumentException("image of unit " + k + " has " + img.length
                        + " values, expected " + channels * plane);
            }
            int x0 = gap + grid.col(k) * (tileW + gap) + (isShifted(grid, k) ? shift : 0);
            int y0 = gap + grid.row(k) * (tileH + gap);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int p = y * width + x;
                    int rgb;
                    if (channels == 1) {
                        int v = toByte(img[p]);
                        rgb = (v << 16) | (v << 8) | v;
                    } else {
                        rgb = (toByte(img[p]) << 16) | (toByte(img[plane + p]) << 8) | toByte(img[2 * plane + p]);
                    }
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            out.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, rgb);
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * The majority label of every unit as a coloured cell ({@link #classRgb} palette); units without a
     * label ({@code -1}) are light gray with a cross. A legend with the class names sits below the map.
     *
     * @param classNames names indexed by label; empty to use the label numbers
     */
    public static BufferedImage labelMap(
            int[] majorityLabel, int numClasses, SomGrid grid, int cellPx, List<String> classNames) {
        checkUnits(majorityLabel.length, grid, "majorityLabel");
        if (numClasses <= 0 || cellPx <= 0) {
            throw new IllegalArgumentException("numClasses and cellPx must be positive, got " + numClasses
                    + " and " + cellPx);
        }
        Objects.requireNonNull(classNames, "classNames");
        if (!classNames.isEmpty() && classNames.size() < numClasses) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + numClasses + " classes");
        }
        boolean anyEmpty = false;
        for (int label : majorityLabel) {
            if (label < -1 || label >= numClasses) {
                throw new IllegalArgumentException("label " + label + " outside [-1, " + numClasses + ")");
            }
            anyEmpty |= label == -1;
        }
        List<String> names = new ArrayList<>();
        List<Integer> colours = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            names.add(classNames.isEmpty() ? Integer.toString(c) : classNames.get(c));
            colours.add(classRgb(c, numClasses));
        }
        if (anyEmpty) {
            names.add("no label");
            colours.add(-1);
        }

        int mapW = grid.cols() * cellPx + hexShift(grid, cellPx);
        int mapH = grid.rows() * cellPx;
        Legend legend = new Legend(names, colours, SWATCH);
        int imageW = Math.max(mapW, legend.widestEntry()) + 2 * PAD;
        int legendH = legend.height(imageW - 2 * PAD);
        int imageH = PAD + mapH + PAD + legendH + PAD;

        BufferedImage out = filled(imageW, imageH);
        Graphics2D g = out.createGraphics();
        try {
            for (int k = 0; k < grid.units(); k++) {
                int x0 = PAD + grid.col(k) * cellPx + (isShifted(grid, k) ? hexShift(grid, cellPx) : 0);
                int y0 = PAD + grid.row(k) * cellPx;
                int inner = innerSize(cellPx);
                drawCell(g, x0, y0, inner, inner, majorityLabel[k] < 0 ? -1 : classRgb(majorityLabel[k], numClasses));
            }
            legend.draw(g, PAD, PAD + mapH + PAD, imageW - 2 * PAD,
                    (gr, rgb, x, y, size) -> drawCell(gr, x, y, size, size, rgb));
        } finally {
            g.dispose();
        }
        return out;
    }

    /** {@link #hitMap(int[], SomGrid, int, boolean)} on a linear scale. */
    public static BufferedImage hitMap(int[] hits, SomGrid grid, int cellPx) {
        return hitMap(hits, grid, cellPx, false);
    }

    /**
     * How many samples each unit won, as a viridis heat map from the fewest (dark purple) to the most
     * hits (yellow), with a colour bar annotated with the minimum and maximum below the map.
     *
     * @param logScale colour by {@code log(1 + hits)}: hit counts are heavy-tailed, and a linear scale
     *     leaves most units the same dark colour
     */
    public static BufferedImage hitMap(int[] hits, SomGrid grid, int cellPx, boolean logScale) {
        checkUnits(hits.length, grid, "hits");
        if (cellPx <= 0) {
            throw new IllegalArgumentException("cellPx must be positive, got " + cellPx);
        }
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int h : hits) {
            if (h < 0) {
                throw new IllegalArgumentException("negative hit count " + h);
            }
            min = Math.min(min, h);
            max = Math.max(max, h);
        }
        double lo = scale(min, logScale);
        double span = scale(max, logScale) - lo;
        double[] shade = new double[hits.length];
        for (int k = 0; k < hits.length; k++) {
            shade[k] = span > 0 ? (scale(hits[k], logScale) - lo) / span : 0;
        }
        return heatMap(shade, grid, cellPx, "min " + min, "max " + max + (logScale ? " (log)" : ""));
    }

    /**
     * The U-matrix value of every unit: the mean distance of its prototype to the prototypes of its direct grid
     * neighbours ({@link SomGrid#adjacent}: 4 on square grids, 6 on hexagonal ones). High values mark cluster
     * borders, low values the inside of clusters.
     *
     * @param prototypes one vector per unit, {@code [units][dim]}, all of the same length
     * @param distance the map's own distance; cosine distance between a zero vector and anything is 1
     */
    public static double[] uMatrixValues(float[][] prototypes, SomGrid grid, Distance distance) {
        Objects.requireNonNull(prototypes, "prototypes");
        Objects.requireNonNull(distance, "distance");
        checkUnits(prototypes.length, grid, "prototypes");
        int dim = -1;
        for (int k = 0; k < prototypes.length; k++) {
            if (prototypes[k] == null) {
                throw new IllegalArgumentException("prototype of unit " + k + " is missing");
            }
            if (dim >= 0 && prototypes[k].length != dim) {
                throw new IllegalArgumentException("prototype of unit " + k + " has " + prototypes[k].length
                        + " values, unit 0 has " + dim);
            }
            dim = prototypes[k].length;
        }
        double[] out = new double[grid.units()];
        for (int k = 0; k < grid.units(); k++) {
            double sum = 0;
            int neighbours = 0;
            // Direct neighbours lie in the 3x3 block around the unit on both topologies.
            for (int r = Math.max(0, grid.row(k) - 1); r <= Math.min(grid.rows() - 1, grid.row(k) + 1); r++) {
                for (int c = Math.max(0, grid.col(k) - 1); c <= Math.min(grid.cols() - 1, grid.col(k) + 1); c++) {
                    int j = r * grid.cols() + c;
                    if (grid.adjacent(k, j)) {
                        sum += distance(prototypes[k], prototypes[j], distance);
                        neighbours++;
                    }
                }
            }
            out[k] = neighbours == 0 ? 0 : sum / neighbours;
        }
        return out;
    }

    /**
     * The U-matrix ({@link #uMatrixValues}) as a viridis heat map from the closest (dark purple) to the most
     * distant neighbourhoods (yellow), with a colour bar annotated with the minimum and maximum below the map.
     */
    public static BufferedImage uMatrix(float[][] prototypes, SomGrid grid, Distance distance, int cellPx) {
        double[] values = uMatrixValues(prototypes, grid, distance);
        if (cellPx <= 0) {
            throw new IllegalArgumentException("cellPx must be positive, got " + cellPx);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double span = max - min;
        double[] shade = new double[values.length];
        for (int k = 0; k < values.length; k++) {
            shade[k] = span > 0 ? (values[k] - min) / span : 0;
        }
        return heatMap(shade, grid, cellPx, "min " + compact(min), "max " + compact(max));
    }

    private static double distance(float[] a, float[] b, Distance distance) {
        return switch (distance) {
            case EUCLIDEAN -> {
                double s = 0;
                for (int i = 0; i < a.length; i++) {
                    double d = (double) a[i] - b[i];
                    s += d * d;
                }
                yield Math.sqrt(s);
            }
            case MANHATTAN -> {
                double s = 0;
                for (int i = 0; i < a.length; i++) {
                    s += Math.abs((double) a[i] - b[i]);
                }
                yield s;
            }
            case COSINE -> {
                double dot = 0;
                double na = 0;
                double nb = 0;
                for (int i = 0; i < a.length; i++) {
                    dot += (double) a[i] * b[i];
                    na += (double) a[i] * a[i];
                    nb += (double) b[i] * b[i];
                }
                yield na == 0 || nb == 0 ? 1 : 1 - dot / Math.sqrt(na * nb);
            }
        };
    }

    /** Three significant digits, without an exponent for ordinary magnitudes. */
    private static String compact(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** Cells coloured by {@code shade} in [0, 1] (viridis), a colour bar and two labels under it. */
    private static BufferedImage heatMap(double[] shade, SomGrid grid, int cellPx, String minText, String maxText) {
        int mapW = grid.cols() * cellPx + hexShift(grid, cellPx);
        int mapH = grid.rows() * cellPx;
        FontMetrics fm = Legend.metrics();
        int barW = Math.max(mapW, fm.stringWidth(minText) + fm.stringWidth(maxText) + 3 * PAD);
        int barH = 10;
        int imageW = barW + 2 * PAD;
        int imageH = PAD + mapH + PAD + barH + 2 + fm.getHeight() + PAD;

        BufferedImage out = filled(imageW, imageH);
        for (int k = 0; k < grid.units(); k++) {
            int x0 = PAD + grid.col(k) * cellPx + (isShifted(grid, k) ? hexShift(grid, cellPx) : 0);
            int y0 = PAD + grid.row(k) * cellPx;
            fill(out, x0, y0, innerSize(cellPx), innerSize(cellPx), viridis(shade[k]));
        }
        int barTop = PAD + mapH + PAD;
        for (int x = 0; x < barW; x++) {
            fill(out, PAD + x, barTop, 1, barH, viridis(barW == 1 ? 0 : (double) x / (barW - 1)));
        }
        Graphics2D g = out.createGraphics();
        try {
            Legend.useFont(g);
            g.setColor(Color.BLACK);
            int baseline = barTop + barH + 2 + fm.getAscent();
            g.drawString(minText, PAD, baseline);
            g.drawString(maxText, PAD + barW - fm.stringWidth(maxText), baseline);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Writes {@code image} as a PNG, creating missing parent directories. */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!javax.imageio.ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }

    /**
     * The colour (0xRRGGBB) of class {@code label}: tab10 for up to 10 classes, tab20 for up to 20,
     * beyond that evenly spread hues (golden-angle steps keep neighbouring labels apart).
     */
    public static int classRgb(int label, int numClasses) {
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException("label " + label + " outside [0, " + numClasses + ")");
        }
        if (numClasses <= TAB10.length) {
            return TAB10[label];
        }
        if (numClasses <= TAB20.length) {
            return TAB20[label];
        }
        float hue = (float) ((label * 0.381966011250105) % 1.0);
        float brightness = label % 2 == 0 ? 0.85f : 0.65f;
        return Color.HSBtoRGB(hue, 0.65f, brightness) & 0xFFFFFF;
    }

    /** The viridis colour (0xRRGGBB) at {@code t} in [0, 1] (clamped). */
    public static int viridis(double t) {
        double c = Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t));
        double pos = c * (VIRIDIS.length - 1);
        int i = Math.min((int) pos, VIRIDIS.length - 2);
        double f = pos - i;
        int a = VIRIDIS[i];
        int b = VIRIDIS[i + 1];
        int r = (int) Math.round(((a >> 16) & 0xFF) * (1 - f) + ((b >> 16) & 0xFF) * f);
        int gr = (int) Math.round(((a >> 8) & 0xFF) * (1 - f) + ((b >> 8) & 0xFF) * f);
        int bl = (int) Math.round((a & 0xFF) * (1 - f) + (b & 0xFF) * f);
        return (r << 16) | (gr << 8) | bl;
    }

    private static double scale(int hits, boolean log) {
        return log ? Math.log1p(hits) : hits;
    }

    private static void checkUnits(int count, SomGrid grid, String what) {
        if (count != grid.units()) {
            throw new IllegalArgumentException(what + " has " + count + " entries for " + grid + " (" + grid.units()
                    + " units)");
        }
    }

    /** Whether the grid's odd rows are drawn half a cell to the right: hexagonal grids of more than one row. */
    static boolean shiftsOddRows(SomGrid grid) {
        return grid.topology() == Topology.HEXAGONAL && grid.rows() > 1;
    }

    /** Whether unit {@code k}'s cell is drawn half a cell to the right ({@link #shiftsOddRows}). */
    static boolean isShifted(SomGrid grid, int k) {
        return shiftsOddRows(grid) && grid.row(k) % 2 == 1;
    }

    /** Extra width for the half-cell shift of odd rows; none for square grids or a single row. */
    private static int hexShift(SomGrid grid, int pitch) {
        return shiftsOddRows(grid) ? pitch / 2 : 0;
    }

    /** Cells of 8 px or more leave a 1 px background line right and below, so single units stay visible. */
    private static int innerSize(int cellPx) {
        return cellPx >= 8 ? cellPx - 1 : cellPx;
    }

    private static int toByte(float v) {
        if (!(v > 0)) { // also maps NaN to black
            return 0;
        }
        return v >= 1 ? 255 : Math.round(v * 255);
    }

    private static BufferedImage filled(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        fill(img, 0, 0, w, h, BACKGROUND_RGB);
        return img;
    }

    private static void fill(BufferedImage img, int x0, int y0, int w, int h, int rgb) {
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
    }

    /** A filled cell; {@code rgb < 0} draws the empty-unit look (light gray with a cross). */
    private static void drawCell(Graphics2D g, int x0, int y0, int w, int h, int rgb) {
        g.setColor(new Color(rgb < 0 ? EMPTY_RGB : rgb));
        g.fillRect(x0, y0, w, h);
        if (rgb < 0 && w >= 4 && h >= 4) {
            g.setColor(new Color(EMPTY_CROSS_RGB));
            g.setStroke(new BasicStroke(1));
            int inset = Math.max(1, Math.min(w, h) / 5);
            g.drawLine(x0 + inset, y0 + inset, x0 + w - 1 - inset, y0 + h - 1 - inset);
            g.drawLine(x0 + inset, y0 + h - 1 - inset, x0 + w - 1 - inset, y0 + inset);
        }
    }
}
