package io.vitsom.bench.maps;

import io.vitsom.model.cluster.KMeans;
import io.vitsom.model.cluster.WardClustering;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.metrics.ClusteringMetrics;
import io.vitsom.model.metrics.NeighbourhoodMetrics;
import io.vitsom.model.metrics.TopologyMetrics;
import io.vitsom.model.som.SomGrid;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * What the suite reports about a trained map beyond purity/NMI with units as clusters, all on the evaluated set:
 * <ul>
 *   <li>purity and NMI after grouping the units into k clusters by Ward agglomeration of the prototypes
 *       (k = number of classes, and k = {@value #K_FIXED}), so maps of different sizes compare at the same number
 *       of clusters (purity grows with the number of units; NaN when the map has no more units than k);</li>
 *   <li>the SOM-quality metrics: quantization error (mean distance to the BMU in the model's own distance) and
 *       topographic error (share of samples whose two best units are not adjacent) on up to
 *       {@value #QUALITY_SAMPLE} images, and trustworthiness / neighbourhood preservation at
 *       k = {@value #NEIGHBOURS} between the latent space and the BMUs' grid positions on up to
 *       {@value #NEIGHBOURHOOD_SAMPLE} images (the metrics are O(n^2));</li>
 *   <li>for ViT-SOM, the reference's second evaluation: k-means (k = number of classes, k-means++, 10 restarts)
 *       on the latent vectors of the evaluated images, its purity and NMI;</li>
 *   <li>neural selectivity (URL-SOM's metric, {@link ClusteringMetrics#neuralSelectivity}: the share of a unit's
 *       images that carry its majority label, averaged over the units that win an image; weighted by hits it would
 *       be purity) and the number of dead units (units that win no image), from the same assignments as purity.</li>
 * </ul>
 * Samples are the first images of the evaluated set, so every model is measured on the same images.
 */
public record MapQuality(double purityKClasses, double nmiKClasses, double purityK64, double nmiK64,
                         double quantizationError, double topographicError, double trustworthiness,
                         double neighbourhoodPreservation, double purityKmeansLatent, double nmiKmeansLatent,
                         double neuralSelectivity, double deadUnits) {
    /** The second fixed group count. */
    public static final int K_FIXED = 64;
    /** Images of the evaluated set QE/TE are measured on, at most. */
    public static final int QUALITY_SAMPLE = 2000;
    /** Images of the evaluated set trustworthiness and neighbourhood preservation are measured on, at most. */
    public static final int NEIGHBOURHOOD_SAMPLE = 1000;
    static final int NEIGHBOURS = 10;
    static final int KMEANS_MAX_ITERATIONS = 100;

    /** Keys in results.json and suite.json, in {@link #values()} order. */
    public static final List<String> KEYS = List.of("purity_k_classes", "nmi_k_classes", "purity_k64", "nmi_k64",
            "quantization_error", "topographic_error", "trustworthiness", "neighbourhood_preservation",
            "purity_kmeans_latent", "nmi_kmeans_latent", "neural_selectivity", "dead_units");
    /** The keys that count things (shown without decimals); the others are scores or distances. */
    public static final java.util.Set<String> COUNT_KEYS = java.util.Set.of("dead_units");

    /** Nothing measured (every value NaN). */
    public static final MapQuality NONE = new MapQuality(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** The values in {@link #KEYS} order. */
    public double[] values() {
        return new double[] {purityKClasses, nmiKClasses, purityK64, nmiK64, quantizationError, topographicError,
                trustworthiness, neighbourhoodPreservation, purityKmeansLatent, nmiKmeansLatent, neuralSelectivity,
                deadUnits};
    }

    /**
     * Measures a trained map on a labelled set.
     *
     * @param bmus the map's BMU of every image of {@code data} (already computed for purity)
     * @param kmeansLatent whether to run k-means on the latent vectors (the ViT-SOM row's second evaluation)
     */
    public static MapQuality measure(TrainedMap map, ImageSet data, int[] bmus, boolean kmeansLatent, long seed,
                                     PrintStream log) {
        long t0 = System.nanoTime();
        int[] labels = data.labels();
        SomGrid grid = map.grid();
        double[] grouped = groupings(map, data, bmus);
        t0 = lap(log, "Ward grouping of " + grid.units() + " prototypes", t0);

        ImageSet quality = data.limit(Math.min(QUALITY_SAMPLE, data.size()));
        TopologyMetrics.Summary summary = TopologyMetrics.summarize(grid, map.distances(quality));
        t0 = lap(log, "QE/TE on " + quality.size() + " images", t0);

        ImageSet neighbourhood = data.limit(Math.min(NEIGHBOURHOOD_SAMPLE, data.size()));
        double[] neighbours = neighbourhoodScores(map, neighbourhood, bmus);
        if (!Double.isNaN(neighbours[0])) {
            t0 = lap(log, "trustworthiness on " + neighbourhood.size() + " images", t0);
        }

        double[] kmeans = {Double.NaN, Double.NaN};
        if (kmeansLatent && data.size() >= data.numClasses()) {
            kmeans = kmeansOnLatent(map, data, seed);
            lap(log, "k-means on the latent of " + data.size() + " images", t0);
        }
        return new MapQuality(grouped[0], grouped[1], grouped[2], grouped[3], summary.quantizationError(),
                summary.topographicError(), neighbours[0], neighbours[1], kmeans[0], kmeans[1],
                ClusteringMetrics.neuralSelectivity(bmus, labels, grid.units()),
                ClusteringMetrics.deadUnits(bmus, grid.units()));
    }

    /**
     * What {@link #measure} costs, timed phase by phase on a sample so that a time budget can be planned, and scaled
     * to an evaluated set by how each phase grows: the Ward groupings depend on the units only, QE/TE grows with the
     * images up to {@value #QUALITY_SAMPLE}, trustworthiness and neighbourhood preservation with their square up to
     * {@value #NEIGHBOURHOOD_SAMPLE}, and k-means on the latent with every evaluated image.
     *
     * @param groupingSeconds both Ward groupings of all the map's units
     * @param qualitySecondsPerImage QE/TE per image
     * @param neighbourhoodSeconds trustworthiness and neighbourhood preservation on {@code neighbourhoodImages}
     *     images (0 when the sample was too small for them)
     * @param kmeansSecondsPerImage k-means on the latent per evaluated image (0 when it is not run)
     */
    public record Cost(double groupingSeconds, double qualitySecondsPerImage, double neighbourhoodSeconds,
                       int neighbourhoodImages, double kmeansSecondsPerImage) {
        /** Seconds of the phases that sample at most a fixed number of the {@code images} evaluated ones. */
        public double sampledSeconds(int images) {
            return groupingSeconds + qualitySecondsPerImage * Math.min(QUALITY_SAMPLE, images)
                    + neighbourhoodSeconds(Math.min(NEIGHBOURHOOD_SAMPLE, images));
        }

        /** Trustworthiness and neighbourhood preservation on {@code images} images: quadratic in them. */
        public double neighbourhoodSeconds(int images) {
            return neighbourhoodImages <= 0 ? 0
                    : neighbourhoodSeconds * Math.pow(images / (double) neighbourhoodImages, 2);
        }
    }

    /** Prototypes the Ward groupings are timed on, at most: their cost grows with the square of the units. */
    static final int COST_PROTOTYPES = 400;

    /**
     * Times the phases of {@link #measure} on {@code sample} (its BMUs {@code bmus}), cheaply: the Ward groupings on
     * at most {@value #COST_PROTOTYPES} of the prototypes (scaled by the square of the units), and one k-means
     * restart (times the {@value KMeans#DEFAULT_RESTARTS} restarts {@code measure} runs).
     *
     * @param kmeansLatent whether the measurement runs k-means on the latent
     */
    public static Cost cost(TrainedMap map, ImageSet sample, int[] bmus, boolean kmeansLatent, long seed) {
        int units = map.grid().units();
        int timed = Math.min(units, COST_PROTOTYPES);
        float[] prototypes = flatten(java.util.Arrays.copyOf(map.prototypes(), timed));
        long t0 = System.nanoTime();
        for (int k : new int[] {sample.numClasses(), K_FIXED}) {
            if (k >= 1 && k < units) { // grouped() skips k >= units
                WardClustering.fit(prototypes, map.latentDim(), Math.min(k, timed));
            }
        }
        long t1 = System.nanoTime();
        TopologyMetrics.summarize(map.grid(), map.distances(sample));
        long t2 = System.nanoTime();
        ImageSet neighbourhood = sample.limit(Math.min(NEIGHBOURHOOD_SAMPLE, sample.size()));
        boolean measured = !Double.isNaN(neighbourhoodScores(map, neighbourhood, bmus)[0]);
        long t3 = System.nanoTime();
        double kmeansSeconds = 0;
        if (kmeansLatent && sample.size() >= sample.numClasses()) {
            float[] latent = map.latent(sample);
            long t4 = System.nanoTime();
            KMeans.fitOnce(latent, map.latentDim(), sample.numClasses(), KMEANS_MAX_ITERATIONS, seed);
            kmeansSeconds = (t4 - t3) / 1e9 + (System.nanoTime() - t4) / 1e9 * KMeans.DEFAULT_RESTARTS;
        }
        int n = Math.max(1, sample.size());
        return new Cost((t1 - t0) / 1e9 * Math.pow(units / (double) timed, 2), (t2 - t1) / 1e9 / n,
                measured ? (t3 - t2) / 1e9 : 0, measured ? neighbourhood.size() : 0, kmeansSeconds / n);
    }

    /** Purity and NMI after Ward grouping into k = classes, then into k = {@value #K_FIXED}. */
    private static double[] groupings(TrainedMap map, ImageSet data, int[] bmus) {
        float[] prototypes = flatten(map.prototypes());
        double[] byClasses = grouped(prototypes, map.latentDim(), data.numClasses(), bmus, data.labels());
        double[] by64 = grouped(prototypes, map.latentDim(), K_FIXED, bmus, data.labels());
        return new double[] {byClasses[0], byClasses[1], by64[0], by64[1]};
    }

    /** Trustworthiness and neighbourhood preservation of {@code data}; NaN when it has too few images. */
    private static double[] neighbourhoodScores(TrainedMap map, ImageSet data, int[] bmus) {
        if (2 * data.size() - 3 * NEIGHBOURS - 1 <= 0 || data.size() <= NEIGHBOURS) {
            return new double[] {Double.NaN, Double.NaN};
        }
        float[] latent = map.latent(data);
        float[] positions = map.grid().positions();
        float[] onGrid = new float[data.size() * 2];
        for (int i = 0; i < data.size(); i++) {
            onGrid[2 * i] = positions[2 * bmus[i]];
            onGrid[2 * i + 1] = positions[2 * bmus[i] + 1];
        }
        return new double[] {NeighbourhoodMetrics.trustworthiness(latent, map.latentDim(), onGrid, 2, NEIGHBOURS),
                NeighbourhoodMetrics.neighbourhoodPreservation(latent, map.latentDim(), onGrid, 2, NEIGHBOURS)};
    }

    /** Purity and NMI of k-means (k = classes) on the latent of {@code data}. */
    private static double[] kmeansOnLatent(TrainedMap map, ImageSet data, long seed) {
        int[] clusters = KMeans.fit(map.latent(data), map.latentDim(), data.numClasses(), KMEANS_MAX_ITERATIONS, seed)
                .assignments();
        return new double[] {ClusteringMetrics.purity(clusters, data.labels()),
                ClusteringMetrics.nmi(clusters, data.labels())};
    }

    private static long lap(PrintStream log, String what, long since) {
        long now = System.nanoTime();
        log.printf(Locale.ROOT, "  %s: %.1f s%n", what, (now - since) / 1e9);
        return now;
    }

    /** Purity and NMI with the units grouped into k Ward clusters; NaN when there are not more units than k. */
    static double[] grouped(float[] prototypes, int dim, int k, int[] bmus, int[] labels) {
        int units = prototypes.length / dim;
        if (k >= units) {
            return new double[] {Double.NaN, Double.NaN};
        }
        int[] groupOfUnit = WardClustering.fit(prototypes, dim, k);
        int[] groups = new int[bmus.length];
        for (int i = 0; i < bmus.length; i++) {
            groups[i] = groupOfUnit[bmus[i]];
        }
        return new double[] {ClusteringMetrics.purity(groups, labels), ClusteringMetrics.nmi(groups, labels)};
    }

    static float[] flatten(float[][] rows) {
        int dim = rows.length == 0 ? 0 : rows[0].length;
        float[] out = new float[rows.length * dim];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * dim, dim);
        }
        return out;
    }
}
