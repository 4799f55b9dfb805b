package io.vitsom.model.metrics;

import io.vitsom.model.config.Distance;
import io.vitsom.model.som.SomGrid;
import java.util.Objects;

/**
 * Map-quality and drift statistics of a SOM over a batch of samples, computed from the
 * sample-to-prototype distances. Used to monitor a map that keeps learning from a stream.
 *
 * <p>Distances come as {@code float[n][units]} or as a flat row-major {@code float[n * units]} array,
 * in whatever metric the model uses (euclidean, squared euclidean, ...): the quantization error is
 * reported in that same metric. The best-matching unit (BMU) is the unit of smallest distance, the
 * lowest index winning ties, like {@code argmin}; the second BMU is the best of the remaining units.
 * Batch statistics of an empty batch are {@code NaN}.
 *
 * <p>Prototype drift compares two snapshots of the same map unit by unit, in a {@link Distance} (the model's own,
 * so that drift and quantization error are on the same scale), or euclidean where none is given.
 */
public final class TopologyMetrics {
    /** Floor of a vector norm in cosine distance, as {@code F.normalize} and {@code SomLayer} use. */
    private static final double NORMALIZE_EPS = 1e-12;

    private TopologyMetrics() {
    }

    /**
     * All batch statistics at once.
     *
     * @param samples batch size
     * @param quantizationError mean distance from a sample to its BMU
     * @param topographicError share of samples whose first and second BMU are not grid neighbours
     *     ({@link SomGrid#adjacent}: 4 neighbours on square maps, 6 on hexagonal ones)
     * @param topographicError8 the same with the 8-neighbourhood ({@link SomGrid#adjacent8})
     * @param deadUnitShare share of units that are the BMU of no sample in the batch
     * @param hitEntropy entropy (natural log) of the BMU-hit distribution; {@code ln(units)} at most
     */
    public record Summary(int samples, double quantizationError, double topographicError,
            double topographicError8, double deadUnitShare, double hitEntropy) {
    }

    /**
     * How far prototypes moved between two snapshots of the same map.
     *
     * @param mean mean over units of the distance between a unit's two prototypes
     * @param max largest such distance
     */
    public record Drift(double mean, double max) {
    }

    /** Every statistic of {@link Summary} for a batch given as {@code float[n][units]} distances. */
    public static Summary summarize(SomGrid grid, float[][] distances) {
        return summarize(grid, Distances.of(distances, grid.units()));
    }

    /** Every statistic of {@link Summary} for a batch given as flat {@code float[n * units]} distances. */
    public static Summary summarize(SomGrid grid, float[] distances) {
        return summarize(grid, Distances.of(distances, grid.units()));
    }

    /** Mean distance from each sample to its BMU. */
    public static double quantizationError(float[][] distances) {
        return quantizationError(Distances.of(distances, distances.length == 0 ? 0 : distances[0].length));
    }

    /** Mean distance from each sample to its BMU, for flat {@code float[n * units]} distances. */
    public static double quantizationError(float[] distances, int units) {
        return quantizationError(Distances.of(distances, units));
    }

    /** Share of samples whose first and second BMU are not adjacent ({@link SomGrid#adjacent}). */
    public static double topographicError(SomGrid grid, float[][] distances) {
        return summarize(grid, distances).topographicError();
    }

    /** Share of samples whose first and second BMU are not 8-neighbours ({@link SomGrid#adjacent8}). */
    public static double topographicError8(SomGrid grid, float[][] distances) {
        return summarize(grid, distances).topographicError8();
    }

    /** The BMU of every sample. */
    public static int[] bmus(float[][] distances) {
        int[] out = new int[distances.length];
        for (int i = 0; i < distances.length; i++) {
            out[i] = argmin(distances[i], 0, distances[i].length, -1);
        }
        return out;
    }

    /** Share of units with zero hits. */
    public static double deadUnitShare(int[] hits) {
        if (hits.length == 0) {
            throw new IllegalArgumentException("no units");
        }
        int dead = 0;
        for (int h : hits) {
            if (h == 0) {
                dead++;
            }
        }
        return (double) dead / hits.length;
    }

    /** Entropy (natural log) of the hit distribution {@code p_k = hits_k / sum(hits)}; {@code NaN} without hits. */
    public static double hitEntropy(int[] hits) {
        long total = 0;
        for (int h : hits) {
            if (h < 0) {
                throw new IllegalArgumentException("negative hit count " + h);
            }
            total += h;
        }
        if (total == 0) {
            return Double.NaN;
        }
        double entropy = 0;
        for (int h : hits) {
            if (h > 0) {
                double p = (double) h / total;
                entropy -= p * Math.log(p);
            }
        }
        return entropy;
    }

    /** Per-unit euclidean movement between two {@code float[units][dim]} prototype matrices. */
    public static Drift prototypeDrift(float[][] before, float[][] after) {
        return prototypeDrift(Distance.EUCLIDEAN, before, after);
    }

    /** Per-unit euclidean movement between two flat row-major {@code float[units * dim]} prototype matrices. */
    public static Drift prototypeDrift(float[] before, float[] after, int dim) {
        return prototypeDrift(Distance.EUCLIDEAN, before, after, dim);
    }

    /**
     * Per-unit movement between two {@code float[units][dim]} prototype matrices, measured in {@code distance}
     * exactly as the SOM layer measures an input against a prototype: {@code 1 - <a/|a|, b/|b|>} (norms floored
     * at 1e-12, like {@code F.normalize}) for cosine, L2 for euclidean, L1 for manhattan.
     *
     * @throws IllegalArgumentException when the matrices are empty or differ in shape
     */
    public static Drift prototypeDrift(Distance distance, float[][] before, float[][] after) {
        Objects.requireNonNull(distance, "distance");
        if (before.length != after.length || before.length == 0) {
            throw new IllegalArgumentException(
                    "prototype matrices must have the same, non-zero unit count: " + before.length + " vs " + after.length);
        }
        double sum = 0;
        double max = 0;
        for (int k = 0; k < before.length; k++) {
            if (before[k].length != after[k].length) {
                throw new IllegalArgumentException("unit " + k + " has dimension " + before[k].length
                        + " before and " + after[k].length + " after");
            }
            double d = distance(distance, before[k], 0, after[k], 0, before[k].length);
            sum += d;
            max = Math.max(max, d);
        }
        return new Drift(sum / before.length, max);
    }

    /**
     * Per-unit movement between two flat row-major {@code float[units * dim]} prototype matrices, measured in
     * {@code distance} (see {@link #prototypeDrift(Distance, float[][], float[][])}).
     *
     * @throws IllegalArgumentException when the arrays are empty, differ in length or are not whole rows of
     *     {@code dim}
     */
    public static Drift prototypeDrift(Distance distance, float[] before, float[] after, int dim) {
        Objects.requireNonNull(distance, "distance");
        if (before.length != after.length || dim <= 0 || before.length % dim != 0 || before.length == 0) {
            throw new IllegalArgumentException("prototype arrays of length " + before.length + " and " + after.length
                    + " are not the same whole number of rows of " + dim);
        }
        int units = before.length / dim;
        double sum = 0;
        double max = 0;
        for (int k = 0; k < units; k++) {
            double d = distance(distance, before, k * dim, after, k * dim, dim);
            sum += d;
            max = Math.max(max, d);
        }
        return new Drift(sum / units, max);
    }

    private static double distance(Distance distance, float[] a, int aOffset, float[] b, int bOffset, int dim) {
        return switch (distance) {
            case COSINE -> cosine(a, aOffset, b, bOffset, dim);
            case EUCLIDEAN -> euclidean(a, aOffset, b, bOffset, dim);
            case MANHATTAN -> manhattan(a, aOffset, b, bOffset, dim);
        };
    }

    private static double euclidean(float[] a, int aOffset, float[] b, int bOffset, int dim) {
        double s = 0;
        for (int i = 0; i < dim; i++) {
            double d = (double) a[aOffset + i] - b[bOffset + i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    private static double manhattan(float[] a, int aOffset, float[] b, int bOffset, int dim) {
        double s = 0;
        for (int i = 0; i < dim; i++) {
            s += Math.abs((double) a[aOffset + i] - b[bOffset + i]);
        }
        return s;
    }

    /** {@code 1 - <a/max(|a|, eps), b/max(|b|, eps)>} with the eps of {@code F.normalize}. */
    private static double cosine(float[] a, int aOffset, float[] b, int bOffset, int dim) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < dim; i++) {
            double x = a[aOffset + i];
            double y = b[bOffset + i];
            dot += x * y;
            aa += x * x;
            bb += y * y;
        }
        return 1 - dot / (Math.max(Math.sqrt(aa), NORMALIZE_EPS) * Math.max(Math.sqrt(bb), NORMALIZE_EPS));
    }

    private static double quantizationError(Distances d) {
        if (d.samples > 0 && d.units == 0) {
            throw new IllegalArgumentException("distances to zero units");
        }
        if (d.samples == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < d.samples; i++) {
            float[] row = d.row(i);
            int offset = d.offset(i);
            sum += row[offset + argmin(row, offset, d.units, -1)];
        }
        return sum / d.samples;
    }

    private static Summary summarize(SomGrid grid, Distances d) {
        if (d.units != grid.units()) {
            throw new IllegalArgumentException("distances have " + d.units + " units, the grid " + grid.units());
        }
        if (d.units < 2) {
            throw new IllegalArgumentException("topographic error needs at least two units");
        }
        int[] hits = new int[d.units];
        if (d.samples == 0) {
            return new Summary(0, Double.NaN, Double.NaN, Double.NaN, deadUnitShare(hits), Double.NaN);
        }
        double qe = 0;
        int errors4 = 0;
        int errors8 = 0;
        for (int i = 0; i < d.samples; i++) {
            float[] row = d.row(i);
            int offset = d.offset(i);
            int first = argmin(row, offset, d.units, -1);
            int second = argmin(row, offset, d.units, first);
            qe += row[offset + first];
            hits[first]++;
            if (!grid.adjacent(first, second)) {
                errors4++;
            }
            if (!grid.adjacent8(first, second)) {
                errors8++;
            }
        }
        double n = d.samples;
        return new Summary(d.samples, qe / n, errors4 / n, errors8 / n, deadUnitShare(hits), hitEntropy(hits));
    }

    /** Index (relative to {@code offset}) of the smallest of {@code units} values, skipping {@code exclude}. */
    private static int argmin(float[] row, int offset, int units, int exclude) {
        int best = -1;
        float bestValue = Float.POSITIVE_INFINITY;
        for (int j = 0; j < units; j++) {
            if (j == exclude) {
                continue;
            }
            float v = row[offset + j];
            if (best < 0 || v < bestValue) {
                best = j;
                bestValue = v;
            }
        }
        return best;
    }

    /** Uniform view of nested or flat distance matrices. */
    private static final class Distances {
        final int samples;
        final int units;
        private final float[][] nested;
        private final float[] flat;

        private Distances(int samples, int units, float[][] nested, float[] flat) {
            this.samples = samples;
            this.units = units;
            this.nested = nested;
            this.flat = flat;
        }

        static Distances of(float[][] distances, int units) {
            for (int i = 0; i < distances.length; i++) {
                if (distances[i].length != units) {
                    throw new IllegalArgumentException(
                            "distance row " + i + " has " + distances[i].length + " entries, expected " + units);
                }
            }
            return new Distances(distances.length, units, distances, null);
        }

        static Distances of(float[] distances, int units) {
            if (units <= 0 || distances.length % units != 0) {
                throw new IllegalArgumentException(
                        distances.length + " distances are not a whole number of rows of " + units + " units");
            }
            return new Distances(distances.length / units, units, null, distances);
        }

        float[] row(int i) {
            return nested != null ? nested[i] : flat;
        }

        int offset(int i) {
            return nested != null ? 0 : i * units;
        }
    }
}
