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
 *       on the latent vectors of the evaluated images, its purity and NMI.</li>
 * </ul>
 * Samples are the first images of the evaluated set, so every model is measured on the same images.
 */
public record MapQuality(double purityKClasses, double nmiKClasses, double purityK64, double nmiK64,
                         double quantizationError, double topographicError, double trustworthiness,
                         double neighbourhoodPreservation, double purityKmeansLatent, double nmiKmeansLatent) {
    /** The second fixed group count. */
    public static final int K_FIXED = 64;
    static final int QUALITY_SAMPLE = 2000;
    static final int NEIGHBOURHOOD_SAMPLE = 1000;
    static final int NEIGHBOURS = 10;
    static final int KMEANS_MAX_ITERATIONS = 100;

    /** Keys in results.json and suite.json, in {@link #values()} order. */
    public static final List<String> KEYS = List.of("purity_k_classes", "nmi_k_classes", "purity_k64", "nmi_k64",
            "quantization_error", "topographic_error", "trustworthiness", "neighbourhood_preservation",
            "purity_kmeans_latent", "nmi_kmeans_latent");

    /** Nothing measured (every value NaN). */
    public static final MapQuality NONE = new MapQuality(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** The values in {@link #KEYS} order. */
    public double[] values() {
        return new double[] {purityKClasses, nmiKClasses, purityK64, nmiK64, quantizationError, topographicError,
                trustworthiness, neighbourhoodPreservation, purityKmeansLatent, nmiKmeansLatent};
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
        int classes = data.numClasses();
        SomGrid grid = map.grid();
        float[] prototypes = flatten(map.prototypes());
        double[] byClasses = grouped(prototypes, map.latentDim(), classes, bmus, labels);
        double[] by64 = grouped(prototypes, map.latentDim(), K_FIXED, bmus, labels);
        t0 = lap(log, "Ward grouping of " + grid.units() + " prototypes", t0);

        ImageSet quality = data.limit(Math.min(QUALITY_SAMPLE, data.size()));
        TopologyMetrics.Summary summary = TopologyMetrics.summarize(grid, map.distances(quality));
        t0 = lap(log, "QE/TE on " + quality.size() + " images", t0);

        ImageSet neighbourhood = data.limit(Math.min(NEIGHBOURHOOD_SAMPLE, data.size()));
        double trust = Double.NaN;
        double preservation = Double.NaN;
        if (2 * neighbourhood.size() - 3 * NEIGHBOURS - 1 > 0 && neighbourhood.size() > NEIGHBOURS) {
            float[] latent = map.latent(neighbourhood);
            float[] positions = grid.positions();
            float[] onGrid = new float[neighbourhood.size() * 2];
            for (int i = 0; i < neighbourhood.size(); i++) {
                onGrid[2 * i] = positions[2 * bmus[i]];
                onGrid[2 * i + 1] = positions[2 * bmus[i] + 1];
            }
            trust = NeighbourhoodMetrics.trustworthiness(latent, map.latentDim(), onGrid, 2, NEIGHBOURS);
            preservation = NeighbourhoodMetrics.neighbourhoodPreservation(latent, map.latentDim(), onGrid, 2, NEIGHBOURS);
            t0 = lap(log, "trustworthiness on " + neighbourhood.size() + " images", t0);
        }

        double purityKmeans = Double.NaN;
        double nmiKmeans = Double.NaN;
        if (kmeansLatent && data.size() >= classes) {
            int[] clusters = KMeans.fit(map.latent(data), map.latentDim(), classes, KMEANS_MAX_ITERATIONS, seed)
                    .assignments();
            purityKmeans = ClusteringMetrics.purity(clusters, labels);
            nmiKmeans = ClusteringMetrics.nmi(clusters, labels);
            lap(log, "k-means on the latent of " + data.size() + " images", t0);
        }
        return new MapQuality(byClasses[0], byClasses[1], by64[0], by64[1], summary.quantizationError(),
                summary.topographicError(), trust, preservation, purityKmeans, nmiKmeans);
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
