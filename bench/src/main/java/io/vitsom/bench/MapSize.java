package io.vitsom.bench;

/** A rectangular map size given as {@code ROWSxCOLS} on the command line. */
public record MapSize(int rows, int cols) {
    public MapSize {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("map size must be positive, got " + rows + "x" + cols);
        }
    }

    /** Parses {@code 24x24}. */
    public static MapSize parse(String text) {
        String[] parts = text.trim().toLowerCase(java.util.Locale.ROOT).split("x");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--map must look like 24x24, got '" + text + "'");
        }
        try {
            return new MapSize(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--map must look like 24x24, got '" + text + "'", e);
        }
    }

    @Override
    public String toString() {
        return rows + "x" + cols;
    }
}
