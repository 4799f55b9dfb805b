package io.vitsom.model.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A line chart for reports: panels stacked over one shared x axis, each with its own title, y label, y range,
 * series and legend, and vertical markers (a switch, a detection) drawn across every panel. Plain Java2D, so
 * result files need nothing beyond the JDK.
 *
 * <pre>{@code
 * LineChart chart = LineChart.builder().title("drift").xLabel("images")
 *         .panel(LineChart.Panel.of("purity", "purity").withYRange(0, 1).with("old", x, old).with("new", x, fresh))
 *         .panel(LineChart.Panel.of("quantization error", "QE").with("QE", x, qe))
 *         .marker(20_000, "switch", Color.GRAY, true)
 *         .build();
 * chart.writePng(Path.of("drift.png"));
 * }</pre>
 *
 * <p>A series' colour is its position in its panel, taken from {@link #PALETTE}, so the same chart always looks
 * the same. NaN values are gaps in a line.
 */
public final class LineChart {
    /** Series colours in panel order (matplotlib's tab10 start), repeated after the last. */
    public static final List<Color> PALETTE = List.of(new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0x17becf));

    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    private static final Color AXIS = new Color(0x444444);
    private static final Color GRID = new Color(0xE6E6E6);
    private static final int LEFT = 78;
    private static final int RIGHT = 20;
    private static final int TOP = 8;
    private static final int TITLE_H = 24;
    private static final int PANEL_HEADER = 22;
    private static final int PANEL_GAP = 14;
    private static final int BOTTOM = 46;
    private static final int SWATCH = 14;
    private static final int MARKER_LABEL_ROWS = 4;

    private final String title;
    private final String xLabel;
    private final List<Panel> panels;
    private final List<Marker> markers;
    private final int width;
    private final int height;

    private LineChart(Builder b) {
        this.title = b.title;
        this.xLabel = b.xLabel;
        this.panels = List.copyOf(b.panels);
        this.markers = List.copyOf(b.markers);
        this.width = b.width;
        this.height = b.height > 0 ? b.height : 60 + 210 * panels.size();
    }

    /** A builder for a chart; at least one panel is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * One named line.
     *
     * @param name the legend's text
     * @param x x values, as many as {@code y}
     * @param y y values; NaN (or infinite) is a gap
     * @param colour the line's colour
     */
    public record Series(String name, double[] x, double[] y, Color colour) {
        public Series {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(colour, "colour");
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + " has " + x.length + " x values and "
                        + y.length + " y values");
            }
        }
    }

    /**
     * One panel: a title, a y label, a y range (NaN bounds: fitted to the data) and its series.
     * Immutable; the {@code with} methods return a changed copy.
     */
    public record Panel(String title, String yLabel, double yMin, double yMax, List<Series> series) {
        public Panel {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(yLabel, "yLabel");
            series = List.copyOf(series);
        }

        /** An empty panel whose y range follows its data. */
        public static Panel of(String title, String yLabel) {
            return new Panel(title, yLabel, Double.NaN, Double.NaN, List.of());
        }

        /** This panel with a fixed y range. */
        public Panel withYRange(double min, double max) {
            if (!(min < max)) {
                throw new IllegalArgumentException("y range needs min < max, got " + min + " and " + max);
            }
            return new Panel(title, yLabel, min, max, series);
        }

        /** This panel with one more series, coloured by its position: {@link #PALETTE}{@code [series().size()]}. */
        public Panel with(String name, double[] x, double[] y) {
            List<Series> more = new ArrayList<>(series);
            more.add(new Series(name, x.clone(), y.clone(), PALETTE.get(series.size() % PALETTE.size())));
            return new Panel(title, yLabel, yMin, yMax, more);
        }
    }

    /**
     * A vertical line across all panels at {@code x}.
     *
     * @param label text beside its top, or empty
     * @param dashed dashed rather than solid
     */
    public record Marker(double x, String label, Color colour, boolean dashed) {
        public Marker {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(colour, "colour");
        }
    }

    /** Collects a chart's parts. */
    public static final class Builder {
        private String title = "";
        private String xLabel = "";
        private final List<Panel> panels = new ArrayList<>();
        private final List<Marker> markers = new ArrayList<>();
        private int width = 960;
        private int height;

        private Builder() {
        }

        /** A title above all panels (none by default). */
        public Builder title(String text) {
            this.title = Objects.requireNonNull(text, "title");
            return this;
        }

        /** The shared x axis' label, under the bottom panel. */
        public Builder xLabel(String text) {
            this.xLabel = Objects.requireNonNull(text, "xLabel");
            return this;
        }

        /** Adds a panel below the previous ones. */
        public Builder panel(Panel panel) {
            panels.add(Objects.requireNonNull(panel, "panel"));
            return this;
        }

        /** Adds a vertical marker across all panels. */
        public Builder marker(double x, String label, Color colour, boolean dashed) {
            markers.add(new Marker(x, label, colour, dashed));
            return this;
        }

        /** The size {@link LineChart#writePng} renders at (default 960 wide, 210 pixels per panel high). */
        public Builder size(int w, int h) {
            if (w < 200 || h < 100) {
                throw new IllegalArgumentException("a chart needs at least 200x100 pixels, got " + w + "x" + h);
            }
            this.width = w;
            this.height = h;
            return this;
        }

        /** The chart. */
        public LineChart build() {
            if (panels.isEmpty()) {
                throw new IllegalStateException("a chart needs at least one panel");
            }
            return new LineChart(this);
        }
    }

    /** Renders at the builder's size and writes a PNG, creating missing parent directories. */
    public void writePng(Path file) throws IOException {
        MapImages.writePng(render(width, height), file);
    }

    /** Renders the chart into a new RGB image of {@code width} x {@code height} pixels. */
    public BufferedImage render(int w, int h) {
        Layout layout = layout(w, h);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            if (!title.isEmpty()) {
                g.setFont(TITLE_FONT);
                g.setColor(Color.BLACK);
                FontMetrics fm = g.getFontMetrics();
                g.drawString(title, (w - fm.stringWidth(title)) / 2, TOP + fm.getAscent());
            }
            double[] xTicks = ticks(layout.xMin, layout.xMax, Math.max(2, layout.plots.get(0).width / 110));
            for (int p = 0; p < panels.size(); p++) {
                drawPanel(g, panels.get(p), layout, p, xTicks);
            }
            drawMarkers(g, layout);
            drawXAxis(g, layout, xTicks);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Where things go at a given size: each panel's plot area and the data ranges that map onto it.
     *
     * @param plots each panel's plot area, top to bottom
     * @param yMin each panel's lowest y (the bottom edge of its plot)
     * @param yMax each panel's highest y
     */
    record Layout(double xMin, double xMax, List<Rectangle> plots, double[] yMin, double[] yMax) {
        /** The pixel column of {@code x}. */
        double px(double x) {
            Rectangle r = plots.get(0);
            return r.x + (x - xMin) / (xMax - xMin) * r.width;
        }

        /** The pixel row of {@code y} in panel {@code p}. */
        double py(int p, double y) {
            Rectangle r = plots.get(p);
            return r.y + r.height - (y - yMin[p]) / (yMax[p] - yMin[p]) * r.height;
        }
    }

    Layout layout(int w, int h) {
        if (w < 200 || h < 100) {
            throw new IllegalArgumentException("a chart needs at least 200x100 pixels, got " + w + "x" + h);
        }
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        for (Panel panel : panels) {
            for (Series s : panel.series()) {
                for (int i = 0; i < s.x().length; i++) {
                    if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                        xMin = Math.min(xMin, s.x()[i]);
                        xMax = Math.max(xMax, s.x()[i]);
                    }
                }
            }
        }
        for (Marker m : markers) {
            if (Double.isFinite(m.x())) {
                xMin = Math.min(xMin, m.x());
                xMax = Math.max(xMax, m.x());
            }
        }
        double[] x = padRange(xMin, xMax, 0);
        int top = TOP + (title.isEmpty() ? 0 : TITLE_H);
        int n = panels.size();
        int slot = (h - top - BOTTOM - PANEL_GAP * (n - 1)) / n;
        int plotH = Math.max(10, slot - PANEL_HEADER);
        List<Rectangle> plots = new ArrayList<>();
        double[] yMin = new double[n];
        double[] yMax = new double[n];
        for (int p = 0; p < n; p++) {
            plots.add(new Rectangle(LEFT, top + p * (slot + PANEL_GAP) + PANEL_HEADER, w - LEFT - RIGHT, plotH));
            double[] y = yRange(panels.get(p));
            yMin[p] = y[0];
            yMax[p] = y[1];
        }
        return new Layout(x[0], x[1], plots, yMin, yMax);
    }

    private static double[] yRange(Panel panel) {
        if (!Double.isNaN(panel.yMin()) && !Double.isNaN(panel.yMax())) {
            return new double[] {panel.yMin(), panel.yMax()};
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : panel.series()) {
            for (double v : s.y()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        // A margin keeps a line at its extreme from sitting on the frame, where it would be hard to see.
        return padRange(lo, hi, 0.05);
    }

    /** {@code [lo, hi]} widened by {@code margin} of its span; a flat or empty range gets a span around it. */
    private static double[] padRange(double lo, double hi, double margin) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            return new double[] {0, 1};
        }
        if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
            double half = Math.max(Math.abs(hi) * 0.05, 0.5);
            return new double[] {lo - half, hi + half};
        }
        double pad = (hi - lo) * margin;
        return new double[] {lo - pad, hi + pad};
    }

    private void drawPanel(Graphics2D g, Panel panel, Layout layout, int p, double[] xTicks) {
        Rectangle r = layout.plots().get(p);
        g.setFont(FONT);
        FontMetrics fm = g.getFontMetrics();
        double[] yTicks = ticks(layout.yMin()[p], layout.yMax()[p], Math.max(2, r.height / 40));
        double yStep = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;
        g.setColor(GRID);
        for (double t : yTicks) {
            int y = (int) Math.round(layout.py(p, t));
            g.drawLine(r.x, y, r.x + r.width, y);
        }
        for (double t : xTicks) {
            int x = (int) Math.round(layout.px(t));
            g.drawLine(x, r.y, x, r.y + r.height);
        }
        g.setColor(AXIS);
        g.drawRect(r.x, r.y, r.width, r.height);
        for (double t : yTicks) {
            int y = (int) Math.round(layout.py(p, t));
            String text = formatTick(t, yStep);
            g.drawLine(r.x - 4, y, r.x, y);
            g.drawString(text, r.x - 7 - fm.stringWidth(text), y + (fm.getAscent() - fm.getDescent()) / 2);
        }
        drawYLabel(g, panel.yLabel(), r, fm);
        g.setFont(TITLE_FONT);
        g.setColor(Color.BLACK);
        g.drawString(panel.title(), r.x, r.y - 7);
        drawLegend(g, panel, r);
        Stroke before = g.getStroke();
        g.setClip(r.x, r.y, r.width + 1, r.height + 1);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (Series s : panel.series()) {
            drawSeries(g, s, layout, p);
        }
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setStroke(before);
        g.setClip(null);
    }

    private static void drawYLabel(Graphics2D g, String label, Rectangle r, FontMetrics fm) {
        if (label.isEmpty()) {
            return;
        }
        AffineTransform saved = g.getTransform();
        g.translate(14, r.y + r.height / 2.0 + fm.stringWidth(label) / 2.0);
        g.rotate(-Math.PI / 2);
        g.drawString(label, 0, 0);
        g.setTransform(saved);
    }

    /** The legend sits in the panel's header, right-aligned, so it never hides data. */
    private static void drawLegend(Graphics2D g, Panel panel, Rectangle r) {
        g.setFont(FONT);
        FontMetrics fm = g.getFontMetrics();
        int x = r.x + r.width;
        int baseline = r.y - 7;
        List<Series> series = panel.series();
        for (int i = series.size() - 1; i >= 0; i--) {
            Series s = series.get(i);
            x -= fm.stringWidth(s.name());
            g.setColor(Color.BLACK);
            g.drawString(s.name(), x, baseline);
            x -= SWATCH + 4;
            g.setColor(s.colour());
            g.fillRect(x, baseline - fm.getAscent() / 2 - 2, SWATCH, 4);
            x -= 14;
        }
    }

    private static void drawSeries(Graphics2D g, Series s, Layout layout, int p) {
        g.setColor(s.colour());
        Path2D.Double line = new Path2D.Double();
        boolean open = false;
        int run = 0;
        double lastX = 0;
        double lastY = 0;
        for (int i = 0; i < s.x().length; i++) {
            double xv = s.x()[i];
            double yv = s.y()[i];
            if (!Double.isFinite(xv) || !Double.isFinite(yv)) {
                dotIfAlone(g, run, lastX, lastY);
                open = false;
                run = 0;
                continue;
            }
            lastX = layout.px(xv);
            lastY = layout.py(p, yv);
            if (open) {
                line.lineTo(lastX, lastY);
            } else {
                line.moveTo(lastX, lastY);
                open = true;
            }
            run++;
        }
        dotIfAlone(g, run, lastX, lastY);
        g.draw(line);
    }

    /** A value with gaps on both sides has no line to be part of; a dot keeps it visible. */
    private static void dotIfAlone(Graphics2D g, int run, double x, double y) {
        if (run == 1) {
            g.fill(new java.awt.geom.Ellipse2D.Double(x - 2.5, y - 2.5, 5, 5));
        }
    }

    private void drawMarkers(Graphics2D g, Layout layout) {
        g.setFont(FONT);
        FontMetrics fm = g.getFontMetrics();
        Stroke before = g.getStroke();
        Rectangle first = layout.plots().get(0);
        // Right edge of the labels on each text row at the top of the first panel; labels left to right, so a label
        // that would run into the previous one on its row moves down a row instead (close detections stay legible).
        int[] rowEnd = new int[MARKER_LABEL_ROWS];
        java.util.Arrays.fill(rowEnd, Integer.MIN_VALUE);
        List<Marker> byX = markers.stream().filter(m -> Double.isFinite(m.x()))
                .sorted(java.util.Comparator.comparingDouble(Marker::x)).toList();
        for (Marker m : byX) {
            // Whole pixels and no antialiasing: a marker is a crisp line of exactly its colour.
            int x = (int) Math.round(layout.px(m.x()));
            g.setColor(m.colour());
            g.setStroke(m.dashed() ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f) : new BasicStroke(1.5f));
            for (Rectangle r : layout.plots()) {
                g.drawLine(x, r.y + 1, x, r.y + r.height - 1);
            }
            if (!m.label().isEmpty()) {
                int w = fm.stringWidth(m.label());
                int textX = x + 3 + w > first.x + first.width ? x - 3 - w : x + 3;
                int row = 0;
                while (row < MARKER_LABEL_ROWS - 1 && textX < rowEnd[row] + 4) {
                    row++;
                }
                rowEnd[row] = textX + w;
                g.drawString(m.label(), textX, first.y + fm.getAscent() + 2 + row * fm.getHeight());
            }
        }
        g.setStroke(before);
    }

    private void drawXAxis(Graphics2D g, Layout layout, double[] xTicks) {
        Rectangle bottom = layout.plots().get(layout.plots().size() - 1);
        g.setFont(FONT);
        g.setColor(AXIS);
        FontMetrics fm = g.getFontMetrics();
        double step = xTicks.length > 1 ? xTicks[1] - xTicks[0] : 1;
        int axisY = bottom.y + bottom.height;
        for (double t : xTicks) {
            int x = (int) Math.round(layout.px(t));
            String text = formatTick(t, step);
            g.drawLine(x, axisY, x, axisY + 4);
            g.drawString(text, x - fm.stringWidth(text) / 2, axisY + 6 + fm.getAscent());
        }
        if (!xLabel.isEmpty()) {
            g.drawString(xLabel, bottom.x + (bottom.width - fm.stringWidth(xLabel)) / 2,
                    axisY + 8 + fm.getAscent() + fm.getHeight());
        }
    }

    /**
     * Round tick values in {@code [lo, hi]}: the step of 1, 2 or 5 times a power of ten nearest
     * {@code (hi - lo) / target}.
     */
    static double[] ticks(double lo, double hi, int target) {
        double raw = (hi - lo) / Math.max(1, target);
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude;
        for (double m : new double[] {2, 5, 10}) {
            if (Math.abs(Math.log(m * magnitude / raw)) < Math.abs(Math.log(step / raw))) {
                step = m * magnitude;
            }
        }
        double first = Math.ceil(lo / step - 1e-9) * step;
        List<Double> out = new ArrayList<>();
        for (long k = 0; first + k * step <= hi + step * 1e-9; k++) {
            // Twelve digits drop the float residue (0.6000000000000001 is 0.6) and keep every real tick apart.
            out.add(new BigDecimal(first + k * step).round(new MathContext(12)).doubleValue());
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * A tick's text with as few digits as its step needs: thousands as {@code k}, millions as {@code M}
     * (0, 10k, 20k; 1.5M; 0, 500, 1000; 0.25).
     */
    static String formatTick(double value, double step) {
        double abs = Math.max(Math.abs(value), Math.abs(step));
        String suffix = "";
        double scale = 1;
        if (abs >= 1e6 && Math.abs(step) >= 1e5) {
            suffix = "M";
            scale = 1e6;
        } else if (abs >= 1e3 && Math.abs(step) >= 1e3) {
            suffix = "k";
            scale = 1e3;
        }
        double v = value / scale;
        double s = Math.abs(step) / scale;
        int decimals = s >= 1 || s == 0 ? 0 : (int) Math.min(6, Math.ceil(-Math.log10(s) - 1e-9));
        if (Math.abs(v) < s * 1e-6) {
            v = 0;
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v) + suffix;
    }
}
