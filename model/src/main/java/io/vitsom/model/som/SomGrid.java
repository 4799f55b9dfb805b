package io.vitsom.model.som;

/**
 * Geometry of a {@code rows x cols} SOM: unit positions on the map and the Gaussian neighbourhood.
 *
 * <p>Unit {@code k} sits at row {@code k / cols}, column {@code k % cols}. Positions follow the
 * reference: square grids use {@code (row, col)}; hexagonal grids use {@code (col + 0.5 on odd rows,
 * row * sqrt(3) / 2)}. Neighbourhood weights are {@code exp(-|pos_j - pos_bmu|^2 / (2 T^2))}.
 */
public final class SomGrid {
    private final int rows;
    private final int cols;
    private final Topology topology;
    private final float[] positions; // [units, 2]

    public SomGrid(int rows, int cols, Topology topology) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("map size must be positive, got " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.topology = java.util.Objects.requireNonNull(topology, "topology");
        this.positions = new float[rows * cols * 2];
        for (int k = 0; k < rows * cols; k++) {
            int row = k / cols;
            int col = k % cols;
            if (topology == Topology.SQUARE) {
                positions[2 * k] = row;
                positions[2 * k + 1] = col;
            } else {
                positions[2 * k] = col + (row % 2 == 1 ? 0.5f : 0f);
                positions[2 * k + 1] = (float) (row * Math.sqrt(3) / 2);
            }
        }
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int units() {
        return rows * cols;
    }

    public Topology topology() {
        return topology;
    }

    /** Row of unit {@code k}. */
    public int row(int k) {
        return k / cols;
    }

    /** Column of unit {@code k}. */
    public int col(int k) {
        return k % cols;
    }

    /** A copy of the unit positions as a flat {@code [units, 2]} array. */
    public float[] positions() {
        return positions.clone();
    }

    /** Squared map distance between units {@code a} and {@code b} (computed in float, as the reference). */
    public float squaredDistance(int a, int b) {
        float dx = positions[2 * a] - positions[2 * b];
        float dy = positions[2 * a + 1] - positions[2 * b + 1];
        return dx * dx + dy * dy;
    }

    /** Gaussian neighbourhood weight of unit {@code j} around winner {@code bmu} at temperature {@code t}. */
    public double neighbourhood(int bmu, int j, double temperature) {
        return Math.exp(-squaredDistance(bmu, j) / (2 * temperature * temperature));
    }

    /**
     * Whether units {@code a} and {@code b} are direct grid neighbours: 4-neighbourhood on square grids,
     * 6-neighbourhood on hexagonal ones (units at map distance 1).
     */
    public boolean adjacent(int a, int b) {
        if (a == b) {
            return false;
        }
        if (topology == Topology.SQUARE) {
            return Math.abs(row(a) - row(b)) + Math.abs(col(a) - col(b)) == 1;
        }
        return Math.abs(squaredDistance(a, b) - 1f) < 1e-4f;
    }

    /** Whether units are neighbours in the 8-neighbourhood (Chebyshev distance 1 in row/col). */
    public boolean adjacent8(int a, int b) {
        return a != b && Math.abs(row(a) - row(b)) <= 1 && Math.abs(col(a) - col(b)) <= 1;
    }

    @Override
    public String toString() {
        return rows + "x" + cols + " " + topology.configName();
    }
}
