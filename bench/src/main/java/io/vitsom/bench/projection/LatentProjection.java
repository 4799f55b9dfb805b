package io.vitsom.bench.projection;

import io.vitsom.model.render.MapImages;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import smile.manifold.TSNE;
import smile.math.MathEx;

/**
 * A 2-D picture of a latent space: t-SNE (Smile's exact implementation) of the latent vectors, drawn
 * as a scatter plot coloured by class.
 *
 * <p>t-SNE is {@code O(n^2)} in time and memory (several {@code n x n} double matrices); callers
 * subsample to a few thousand points.
 */
public final class LatentProjection {

    /** Side of the square plot area, title included, in pixels. */
    public static final int PLOT_SIZE = 640;
    /** Width of one column of the legend strip to the right of the plot, in pixels. */
    public static final int LEGEND_COLUMN_WIDTH = 160;
    /** Largest t-SNE perplexity used; smaller sets get {@code (n - 1) / 3}. */
    public static final double MAX_PERPLEXITY = 30;
    /** t-SNE learning rate. */
    public static final double LEARNING_RATE = 200;
    /** t-SNE gradient-descent iterations. */
    public static final int ITERATIONS = 1000;

    private static final int MARGIN = 16;
    private static final int TITLE_HEIGHT = 32;
    private static final int DOT_DIAMETER = 5;
    private static final int SWATCH = 10;
    private static final int LEGEND_ROW_HEIGHT = 18;
    private static final int FRAME_RGB = 0xCCCCCC;
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    // MathEx keeps its seeds in an unsynchronised static set; one projection seeds at a time.
    private static final Object SEED_LOCK = new Object();

    private LatentProjection() {
    }

    /**
     * Projects latent vectors to 2-D with t-SNE: perplexity {@code min(30, (n - 1) / 3)} (the usual
     * 30, lowered so that small sets keep at least three neighbours' worth of spread per point),
     * learning rate 200 and 1000 iterations, euclidean distances between latent vectors.
     *
     * <p>Reproducible: Smile's random generator is seeded with {@code seed} (through
     * {@link MathEx#setSeed(long)}, which also reseeds the calling thread's generator for any later
     * Smile call) right before the random initial layout is drawn. Smile sums with parallel streams, so
     * bit-identical results are promised on the same JVM and core count.
     *
     * @param latent row-major {@code [n * dim]} latent vectors, finite, {@code n >= 4}
     * @param dim latent dimension, at least 1
     * @param seed seed of the initial layout
     * @return {@code double[n][2]} coordinates, in the same order as the rows of {@code latent}
     */
    public static double[][] tsne(float[] latent, int dim, long seed) {
        Objects.requireNonNull(latent, "latent");
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be at least 1, got " + dim);
        }
        if (latent.length % dim != 0) {
            throw new IllegalArgumentException("latent length " + latent.length + " is not a multiple of dim = " + dim);
        }
        int n = latent.length / dim;
        if (n < 4) {
            // Below 4 points the perplexity would drop under 1: less than one effective neighbour.
            throw new IllegalArgumentException("latent needs at least 4 points for t-SNE, got " + n);
        }
        for (int p = 0; p < latent.length; p++) {
            if (!Float.isFinite(latent[p])) {
                throw new IllegalArgumentException("latent[" + p + "] is not finite: " + latent[p]);
            }
        }
        double perplexity = Math.min(MAX_PERPLEXITY, (n - 1) / 3.0);
        // Smile reads an n x n input as a distance matrix, so an n x dim input with n == dim would be
        // misread; handing it the squared distances (what it computes itself otherwise) removes the case.
        double[][] squaredDistances = squaredDistances(latent, dim, n);
        normaliseToUnitMean(squaredDistances);
        synchronized (SEED_LOCK) {
            MathEx.setSeed(seed);
            return new TSNE(squaredDistances, 2, perplexity, LEARNING_RATE, ITERATIONS).coordinates;
        }
    }

    /**
     * A scatter plot of 2-D points coloured by class: a {@link #PLOT_SIZE} square with the title on
     * top and the points scaled (same scale on both axes, so distances keep their proportions) to fit
     * inside a margin, and to its right a legend strip of {@link #LEGEND_COLUMN_WIDTH}-wide columns
     * naming each class's colour. The image is {@code PLOT_SIZE + columns * LEGEND_COLUMN_WIDTH} wide
     * and {@code PLOT_SIZE} high; more columns are added when the classes do not fit in one.
     *
     * <p>Colours are {@link MapImages#classRgb}'s, as on the label maps: tab10 up to 10 classes,
     * tab20 up to 20, spread hues beyond.
     *
     * @param xy {@code [n][2]} coordinates
     * @param labels class of every point, in {@code [0, classes)}
     * @param classNamesOrNull class names indexed by label (their count is the number of classes), or
     *     {@code null} to number the classes {@code 0 .. max(label)}
     * @param title drawn at the top
     */
    public static BufferedImage render(double[][] xy, int[] labels, String[] classNamesOrNull, String title) {
        Objects.requireNonNull(xy, "xy");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(title, "title");
        if (labels.length != xy.length) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries for " + xy.length + " points");
        }
        String[] names = classNames(labels, classNamesOrNull);
        for (int i = 0; i < xy.length; i++) {
            if (xy[i] == null || xy[i].length != 2 || !Double.isFinite(xy[i][0]) || !Double.isFinite(xy[i][1])) {
                throw new IllegalArgumentException("xy[" + i + "] is not a finite 2-D point");
            }
        }

        int rowsPerColumn = (PLOT_SIZE - TITLE_HEIGHT - 2 * MARGIN) / LEGEND_ROW_HEIGHT;
        int columns = Math.max(1, (names.length + rowsPerColumn - 1) / rowsPerColumn);
        BufferedImage out = new BufferedImage(
                PLOT_SIZE + columns * LEGEND_COLUMN_WIDTH, PLOT_SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(new Color(MapImages.BACKGROUND_RGB));
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            drawTitle(g, title);
            drawPoints(g, xy, labels, names.length);
            drawLegend(g, names, rowsPerColumn);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Projects {@code latent} with {@link #tsne}, draws it with {@link #render} and writes the PNG,
     * creating missing parent directories.
     *
     * @param classNames class names indexed by label, or {@code null} to number the classes
     * @return {@code png}
     * @throws IOException when the file cannot be written
     */
    public static Path write(float[] latent, int dim, int[] labels, String[] classNames, String title, long seed,
            Path png) throws IOException {
        Objects.requireNonNull(png, "png");
        Objects.requireNonNull(labels, "labels");
        if (dim >= 1 && labels.length * (long) dim != latent.length) {
            // Checked before the t-SNE, which is the slow part.
            throw new IllegalArgumentException("labels has " + labels.length + " entries for "
                    + latent.length / dim + " latent vectors");
        }
        MapImages.writePng(render(tsne(latent, dim, seed), labels, classNames, title), png);
        return png;
    }

    /**
     * Divides the squared distances by their mean off the diagonal. t-SNE's affinities do not depend on
     * the scale of the distances (each point's precision is calibrated to the perplexity), but Smile's
     * calibration starts from a precision of {@code 1 / sqrt(mean distance)} and gives up after 50
     * bisection steps without normalising the row: on latents whose squared distances are in the
     * thousands or more (a trained ViT-SOM's 3,136-wide tokens) it returned NaN coordinates. At unit mean
     * it starts near the answer.
     */
    private static void normaliseToUnitMean(double[][] squaredDistances) {
        int n = squaredDistances.length;
        double sum = 0;
        for (double[] row : squaredDistances) {
            for (double v : row) {
                sum += v;
            }
        }
        if (!(sum > 0) || Double.isInfinite(sum)) {
            return; // all points equal (nothing to scale) or overflow (left for the finiteness check)
        }
        double scale = (double) n * (n - 1) / sum;
        for (double[] row : squaredDistances) {
            for (int j = 0; j < n; j++) {
                row[j] *= scale;
            }
        }
    }

    private static double[][] squaredDistances(float[] latent, int dim, int n) {
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double sum = 0;
                for (int c = 0; c < dim; c++) {
                    double diff = (double) latent[i * dim + c] - latent[j * dim + c];
                    sum += diff * diff;
                }
                d[i][j] = sum;
                d[j][i] = sum;
            }
        }
        return d;
    }

    private static String[] classNames(int[] labels, String[] classNamesOrNull) {
        int maxLabel = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || (classNamesOrNull != null && labels[i] >= classNamesOrNull.length)) {
                throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + " is outside [0, "
                        + (classNamesOrNull == null ? "classes" : classNamesOrNull.length) + ")");
            }
            maxLabel = Math.max(maxLabel, labels[i]);
        }
        if (classNamesOrNull != null) {
            return classNamesOrNull.clone();
        }
        String[] numbers = new String[maxLabel + 1];
        for (int c = 0; c < numbers.length; c++) {
            numbers[c] = Integer.toString(c);
        }
        return numbers;
    }

    private static void drawTitle(Graphics2D g, String title) {
        g.setFont(TITLE_FONT);
        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        String text = fit(fm, title, PLOT_SIZE - 2 * MARGIN);
        int baseline = (TITLE_HEIGHT + fm.getAscent() - fm.getDescent()) / 2 + MARGIN / 2;
        g.drawString(text, (PLOT_SIZE - fm.stringWidth(text)) / 2, baseline);
    }

    private static void drawPoints(Graphics2D g, double[][] xy, int[] labels, int classes) {
        int left = MARGIN;
        int top = TITLE_HEIGHT + MARGIN;
        int width = PLOT_SIZE - 2 * MARGIN;
        int height = PLOT_SIZE - top - MARGIN;
        g.setColor(new Color(FRAME_RGB));
        g.drawRect(left, top, width, height);
        if (xy.length == 0) {
            return;
        }
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (double[] p : xy) {
            minX = Math.min(minX, p[0]);
            maxX = Math.max(maxX, p[0]);
            minY = Math.min(minY, p[1]);
            maxY = Math.max(maxY, p[1]);
        }
        // The dots' own radius stays inside the frame too.
        double usableW = width - DOT_DIAMETER - 2;
        double usableH = height - DOT_DIAMETER - 2;
        // A zero range on one axis must not decide the scale; all points equal leave them centred.
        double scaleX = maxX > minX ? usableW / (maxX - minX) : Double.POSITIVE_INFINITY;
        double scaleY = maxY > minY ? usableH / (maxY - minY) : Double.POSITIVE_INFINITY;
        double scale = Math.min(scaleX, scaleY);
        if (Double.isInfinite(scale)) {
            scale = 0;
        }
        double centreX = left + width / 2.0;
        double centreY = top + height / 2.0;
        double midX = (minX + maxX) / 2;
        double midY = (minY + maxY) / 2;
        Color[] colours = new Color[classes];
        for (int c = 0; c < classes; c++) {
            colours[c] = new Color(MapImages.classRgb(c, classes));
        }
        for (int i = 0; i < xy.length; i++) {
            double px = centreX + (xy[i][0] - midX) * scale;
            // Image rows grow downwards; keep the plot's y axis pointing up.
            double py = centreY - (xy[i][1] - midY) * scale;
            g.setColor(colours[labels[i]]);
            g.fillOval((int) Math.round(px - DOT_DIAMETER / 2.0), (int) Math.round(py - DOT_DIAMETER / 2.0),
                    DOT_DIAMETER, DOT_DIAMETER);
        }
    }

    private static void drawLegend(Graphics2D g, String[] names, int rowsPerColumn) {
        g.setFont(LEGEND_FONT);
        FontMetrics fm = g.getFontMetrics();
        int textWidth = LEGEND_COLUMN_WIDTH - SWATCH - 6 - MARGIN / 2;
        for (int c = 0; c < names.length; c++) {
            int x = PLOT_SIZE + (c / rowsPerColumn) * LEGEND_COLUMN_WIDTH;
            int y = TITLE_HEIGHT + MARGIN + (c % rowsPerColumn) * LEGEND_ROW_HEIGHT;
            g.setColor(new Color(MapImages.classRgb(c, names.length)));
            g.fillRect(x, y + (LEGEND_ROW_HEIGHT - SWATCH) / 2, SWATCH, SWATCH);
            g.setColor(Color.BLACK);
            String text = fit(fm, String.valueOf(names[c]), textWidth);
            g.drawString(text, x + SWATCH + 6, y + (LEGEND_ROW_HEIGHT + fm.getAscent() - fm.getDescent()) / 2);
        }
    }

    /** {@code text}, cut with an ellipsis where it is wider than {@code maxWidth} pixels. */
    private static String fit(FontMetrics fm, String text, int maxWidth) {
        if (fm.stringWidth(text) <= maxWidth) {
            return text;
        }
        String ellipsis = "\u2026";
        int end = text.length();
        while (end > 0 && fm.stringWidth(text.substring(0, end) + ellipsis) > maxWidth) {
            end--;
        }
        return text.substring(0, end) + ellipsis;
    }
}
