package io.vitsom.model.sommask;

import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The SOM-as-a-mask neighbourhood (seed paper 002): for a winning unit {@code j*} of a {@code rows x cols} square grid,
 * unit {@code j} gets {@code m_j = exp(-d(j, j*)^2 / (2 sigma^2))} with {@code d} the grid distance; {@code sigma =
 * +inf} gives all ones (the network without SOM). An optional top-k threshold keeps only the {@code keep} units nearest
 * the winner (ties broken by the lower unit index, so exactly {@code keep} survive even when sigma is infinite) and
 * sets every other unit to 0. Pure functions.
 */
public final class NeighbourhoodMask {
    private NeighbourhoodMask() {
    }

    /**
     * The square grid a layer of {@code units} neurons is laid out on: {@code rows} is the largest divisor of
     * {@code units} not above its square root, so 100 gives 10x10, 32 gives 4x8 and a prime gives a 1-row line.
     */
    public static SomGrid gridFor(int units) {
        if (units <= 0) {
            throw new IllegalArgumentException("units must be positive, got " + units);
        }
        int rows = (int) Math.floor(Math.sqrt(units));
        while (units % rows != 0) {
            rows--;
        }
        return new SomGrid(rows, units / rows, Topology.SQUARE);
    }

    /**
     * The mask of every unit around {@code winner}.
     *
     * @param sigma the Gaussian's width in grid units, > 0; {@code Double.POSITIVE_INFINITY} for all ones
     * @param keep 0 keeps every unit; {@code k > 0} keeps the {@code k} units nearest the winner and zeroes the rest
     */
    public static float[] values(SomGrid grid, int winner, double sigma, int keep) {
        check(grid, sigma, keep);
        if (winner < 0 || winner >= grid.units()) {
            throw new IllegalArgumentException("winner " + winner + " outside [0, " + grid.units() + ")");
        }
        int units = grid.units();
        float[] m = new float[units];
        for (int j = 0; j < units; j++) {
            m[j] = Double.isInfinite(sigma) ? 1f
                    : (float) Math.exp(-grid.squaredDistance(winner, j) / (2 * sigma * sigma));
        }
        if (keep > 0 && keep < units) {
            Integer[] byDistance = IntStream.range(0, units).boxed().toArray(Integer[]::new);
            Arrays.sort(byDistance, Comparator.<Integer>comparingDouble(j -> grid.squaredDistance(winner, j))
                    .thenComparingInt(j -> j));
            for (int r = keep; r < units; r++) {
                m[byDistance[r]] = 0f;
            }
        }
        return m;
    }

    /**
     * The masks of every possible winner as one row-major {@code [units, units]} table: row {@code w} is
     * {@link #values}{@code (grid, w, sigma, keep)}, so a batch's masks are its winners' rows.
     */
    public static float[] table(SomGrid grid, double sigma, int keep) {
        check(grid, sigma, keep);
        int units = grid.units();
        float[] out = new float[units * units];
        for (int w = 0; w < units; w++) {
            System.arraycopy(values(grid, w, sigma, keep), 0, out, w * units, units);
        }
        return out;
    }

    /** How many of {@code mask}'s values are non-zero: the neurons the mask lets through. */
    public static int active(float[] mask) {
        int n = 0;
        for (float v : mask) {
            if (v != 0f) {
                n++;
            }
        }
        return n;
    }

    private static void check(SomGrid grid, double sigma, int keep) {
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("sigma must be > 0 (or infinite), got " + sigma);
        }
        if (keep < 0 || keep > grid.units()) {
            throw new IllegalArgumentException("keep must be in [0, " + grid.units() + "], got " + keep);
        }
    }
}
