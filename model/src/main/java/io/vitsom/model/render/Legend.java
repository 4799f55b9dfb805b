package io.vitsom.model.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The legend under a map picture ({@link MapImages#labelMap}, {@link WinnersPlot}): one square swatch and a name per
 * entry, left to right, wrapping at the picture's width. Its font is the font of all text in the map pictures.
 */
final class Legend {
    /** Font of the text in the map pictures. */
    static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private static final int TEXT_GAP = 4;
    private static final int LINE_GAP = 4;
    private static final int ENTRY_GAP = 12;

    /** Draws the swatch of an entry: a {@code size}-pixel square for colour {@code rgb} with its corner at (x, y). */
    @FunctionalInterface
    interface Swatch {
        void paint(Graphics2D g, int rgb, int x, int y, int size);
    }

    private final List<String> names;
    private final List<Integer> colours;
    private final int swatch;
    private final FontMetrics fm = metrics();

    /**
     * @param names the entries' names
     * @param colours the entries' colours (0xRRGGBB; what else a value may mean is the {@link Swatch}'s business)
     * @param swatch side of the swatches in pixels
     */
    Legend(List<String> names, List<Integer> colours, int swatch) {
        if (names.size() != colours.size()) {
            throw new IllegalArgumentException(names.size() + " names for " + colours.size() + " colours");
        }
        this.names = List.copyOf(names);
        this.colours = List.copyOf(colours);
        this.swatch = swatch;
    }

    /** Width of the widest entry: a legend at least this wide has no entry cut off. */
    int widestEntry() {
        int widest = 0;
        for (String name : names) {
            widest = Math.max(widest, entryWidth(name));
        }
        return widest;
    }

    /** Height of the legend wrapped at {@code width} pixels; 0 without entries. */
    int height(int width) {
        List<int[]> positions = flow(width);
        return positions.isEmpty() ? 0 : positions.get(positions.size() - 1)[1] + lineHeight();
    }

    /** Draws the legend wrapped at {@code width} pixels with its top-left corner at ({@code left}, {@code top}). */
    void draw(Graphics2D g, int left, int top, int width, Swatch painter) {
        useFont(g);
        List<int[]> positions = flow(width);
        for (int e = 0; e < names.size(); e++) {
            int x = left + positions.get(e)[0];
            int y = top + positions.get(e)[1];
            painter.paint(g, colours.get(e), x, y, swatch);
            g.setColor(Color.BLACK);
            g.drawString(names.get(e), x + swatch + TEXT_GAP, y + swatch / 2 + (fm.getAscent() - fm.getDescent()) / 2);
        }
    }

    /** A plain filled swatch. */
    static void fill(Graphics2D g, int rgb, int x, int y, int size) {
        g.setColor(new Color(rgb));
        g.fillRect(x, y, size, size);
    }

    /** Sets {@link #FONT}, antialiased. */
    static void useFont(Graphics2D g) {
        g.setFont(FONT);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    }

    /** Metrics of {@link #FONT}, for sizing a picture before it exists. */
    static FontMetrics metrics() {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            return g.getFontMetrics(FONT);
        } finally {
            g.dispose();
        }
    }

    private int lineHeight() {
        return Math.max(swatch, fm.getHeight()) + LINE_GAP;
    }

    private int entryWidth(String name) {
        return swatch + TEXT_GAP + fm.stringWidth(name);
    }

    /** The (x, y) offset of every entry, left to right, wrapping at {@code width}. */
    private List<int[]> flow(int width) {
        List<int[]> out = new ArrayList<>();
        int x = 0;
        int y = 0;
        for (String name : names) {
            int w = entryWidth(name);
            if (x > 0 && x + w > width) {
                x = 0;
                y += lineHeight();
            }
            out.add(new int[] {x, y});
            x += w + ENTRY_GAP;
        }
        return out;
    }
}
