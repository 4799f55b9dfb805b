package io.vitsom.model.som;

import java.util.Objects;

/**
 * How people name a unit of a map: {@code ROW,COL} (0-based, as the pictures lay the map out) or the unit's
 * row-major index. {@code vitsom generate --unit} and serving's {@code GET /v1/generate?unit=} read it the same way.
 */
public final class UnitAddress {
    private UnitAddress() {
    }

    /**
     * The row-major index of the unit {@code text} names on {@code grid}.
     *
     * @throws IllegalArgumentException naming the text and the grid when it is not {@code ROW,COL} or an index, or
     *     names no unit of {@code grid}
     */
    public static int parse(String text, SomGrid grid) {
        Objects.requireNonNull(grid, "grid");
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no unit given; name one as ROW,COL or as an index in [0, "
                    + grid.units() + ")");
        }
        String[] parts = text.strip().split(",", -1);
        if (parts.length == 1) {
            int index = number(parts[0], text);
            if (index < 0 || index >= grid.units()) {
                throw new IllegalArgumentException("unit " + index + " is outside the " + grid.rows() + "x"
                        + grid.cols() + " map (indices 0 to " + (grid.units() - 1) + ")");
            }
            return index;
        }
        if (parts.length != 2) {
            throw new IllegalArgumentException("unit '" + text + "' is neither ROW,COL nor an index");
        }
        int row = number(parts[0], text);
        int col = number(parts[1], text);
        if (row < 0 || row >= grid.rows() || col < 0 || col >= grid.cols()) {
            throw new IllegalArgumentException("unit " + row + "," + col + " is outside the " + grid.rows() + "x"
                    + grid.cols() + " map (rows 0 to " + (grid.rows() - 1) + ", columns 0 to " + (grid.cols() - 1)
                    + ")");
        }
        return row * grid.cols() + col;
    }

    private static int number(String part, String text) {
        try {
            return Integer.parseInt(part.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unit '" + text + "' is neither ROW,COL nor an index", e);
        }
    }
}
