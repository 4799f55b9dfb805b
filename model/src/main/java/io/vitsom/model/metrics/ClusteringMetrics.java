package io.vitsom.model.metrics;

import java.util.Arrays;

/**
 * External clustering scores of a SOM (or any hard clustering) against ground-truth labels.
 *
 * <p>Clusters are arbitrary non-negative integers (typically BMU indices). Samples whose label is
 * {@code -1} (unknown) are left out of {@link #purity} and {@link #nmi}, so partially labelled
 * streams can be scored on their labelled part.
 */
public final class ClusteringMetrics {

    /** Label value of samples whose class is unknown. */
    public static final int NO_LABEL = -1;

    private ClusteringMetrics() {
    }

    /**
     * Purity: the share of labelled samples whose label equals the majority label of their cluster,
     * i.e. {@code sum_k max_c n(k, c) / n}.
     *
     * @return purity in [0, 1], or {@code NaN} when no sample is labelled
     */
    public static double purity(int[] clusters, int[] labels) {
        Contingency table = Contingency.of(clusters, labels);
        if (table.total == 0) {
            return Double.NaN;
        }
        long correct = 0;
        for (int k = 0; k < table.numClusters; k++) {
            int best = 0;
            for (int c = 0; c < table.numClasses; c++) {
                best = Math.max(best, table.count(k, c));
            }
            correct += best;
        }
        return (double) correct / table.total;
    }

    /**
     * Normalized mutual information with arithmetic-mean normalisation and natural logarithms,
     * matching scikit-learn's {@code normalized_mutual_info_score} default:
     * {@code MI / ((H(clusters) + H(labels)) / 2)}.
     *
     * <p>Degenerate cases follow scikit-learn: when both labellings have a single value (or there is
     * no labelled sample at all) the score is 1.0; otherwise when the mutual information is zero
     * (e.g. one side has a single value) the score is 0.0.
     */
    public static double nmi(int[] clusters, int[] labels) {
        Contingency table = Contingency.of(clusters, labels);
        if ((table.numClusters == 1 && table.numClasses == 1) || table.total == 0) {
            return 1.0;
        }
        double n = table.total;
        int[] clusterSums = new int[table.numClusters];
        int[] classSums = new int[table.numClasses];
        for (int k = 0; k < table.numClusters; k++) {
            for (int c = 0; c < table.numClasses; c++) {
                int v = table.count(k, c);
                clusterSums[k] += v;
                classSums[c] += v;
            }
        }
        double mi = 0;
        for (int k = 0; k < table.numClusters; k++) {
            for (int c = 0; c < table.numClasses; c++) {
                int v = table.count(k, c);
                if (v > 0) {
                    mi += v / n * Math.log(v * n / ((double) clusterSums[k] * classSums[c]));
                }
            }
        }
        // sklearn zeroes per-cell terms below machine epsilon and clips at 0, so an independent
        // labelling scores exactly 0 instead of a rounding residue.
        if (mi < 1e-15) {
            return 0.0;
        }
        double hClusters = entropy(clusterSums, n);
        double hClasses = entropy(classSums, n);
        return mi / ((hClusters + hClasses) / 2);
    }

    /**
     * The majority label of every cluster {@code 0 .. numClusters-1}, ignoring unlabelled samples:
     * {@code -1} for clusters without labelled samples; ties go to the smallest label.
     */
    public static int[] majorityLabels(int[] clusters, int[] labels, int numClusters) {
        checkSameLength(clusters, labels);
        int maxLabel = -1;
        for (int i = 0; i < clusters.length; i++) {
            checkCluster(clusters[i], numClusters);
            checkLabel(labels[i]);
            maxLabel = Math.max(maxLabel, labels[i]);
        }
        int numClasses = maxLabel + 1;
        int[] counts = new int[numClusters * numClasses];
        for (int i = 0; i < clusters.length; i++) {
            if (labels[i] != NO_LABEL) {
                counts[clusters[i] * numClasses + labels[i]]++;
            }
        }
        int[] majority = new int[numClusters];
        for (int k = 0; k < numClusters; k++) {
            int best = NO_LABEL;
            int bestCount = 0;
            // Strictly greater keeps the first (smallest) label on ties.
            for (int c = 0; c < numClasses; c++) {
                if (counts[k * numClasses + c] > bestCount) {
                    bestCount = counts[k * numClasses + c];
                    best = c;
                }
            }
            majority[k] = best;
        }
        return majority;
    }

    /**
     * Neural selectivity (URL-SOM, section V.C): every unit is labelled by the mode of the labels of the samples it
     * wins (ties to the smallest label, as {@link #majorityLabels}); its selectivity is the share of its samples that
     * carry that label; neural selectivity is the plain average of the selectivities over the units that win at least
     * one labelled sample. Unlabelled samples ({@link #NO_LABEL}) are ignored, so a unit that wins only unlabelled
     * samples does not count. Weighting the average by the units' hits instead gives {@link #purity} (with units as
     * clusters): selectivity counts every unit once, so many small, mixed units pull it below purity.
     *
     * @param units the winning unit of every sample, in {@code [0, numUnits)}
     * @param labels every sample's label, or {@link #NO_LABEL}
     * @return neural selectivity in [0, 1], or {@code NaN} when no sample is labelled
     */
    public static double neuralSelectivity(int[] units, int[] labels, int numUnits) {
        int[] majority = majorityLabels(units, labels, numUnits);
        int[] labelled = new int[numUnits];
        int[] agreeing = new int[numUnits];
        for (int i = 0; i < units.length; i++) {
            if (labels[i] != NO_LABEL) {
                labelled[units[i]]++;
                if (labels[i] == majority[units[i]]) {
                    agreeing[units[i]]++;
                }
            }
        }
        double sum = 0;
        int counted = 0;
        for (int k = 0; k < numUnits; k++) {
            if (labelled[k] > 0) {
                sum += (double) agreeing[k] / labelled[k];
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /** How many of the units {@code 0 .. numUnits-1} win no sample at all (labels play no part). */
    public static int deadUnits(int[] units, int numUnits) {
        int dead = 0;
        for (int h : hits(units, numUnits)) {
            if (h == 0) {
                dead++;
            }
        }
        return dead;
    }

    /** How many samples fell into each cluster {@code 0 .. numClusters-1} (labels play no part). */
    public static int[] hits(int[] clusters, int numClusters) {
        int[] hits = new int[numClusters];
        for (int cluster : clusters) {
            checkCluster(cluster, numClusters);
            hits[cluster]++;
        }
        return hits;
    }

    private static double entropy(int[] counts, double n) {
        double h = 0;
        for (int count : counts) {
            if (count > 0) {
                double p = count / n;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    private static void checkSameLength(int[] clusters, int[] labels) {
        if (clusters.length != labels.length) {
            throw new IllegalArgumentException(
                    "clusters and labels differ in length: " + clusters.length + " vs " + labels.length);
        }
    }

    private static void checkCluster(int cluster, int numClusters) {
        if (cluster < 0 || cluster >= numClusters) {
            throw new IllegalArgumentException("cluster " + cluster + " outside [0, " + numClusters + ")");
        }
    }

    private static void checkLabel(int label) {
        if (label < NO_LABEL) {
            throw new IllegalArgumentException("label must be >= -1, got " + label);
        }
    }

    /**
     * Dense contingency table over the clusters and classes that actually occur among labelled
     * samples; both are renumbered densely so sparse ids (BMU 1599 of a 40x40 map) cost nothing.
     */
    private static final class Contingency {
        final int numClusters;
        final int numClasses;
        final int total;
        private final int[] counts;

        private Contingency(int numClusters, int numClasses, int total, int[] counts) {
            this.numClusters = numClusters;
            this.numClasses = numClasses;
            this.total = total;
            this.counts = counts;
        }

        int count(int cluster, int clazz) {
            return counts[cluster * numClasses + clazz];
        }

        static Contingency of(int[] clusters, int[] labels) {
            checkSameLength(clusters, labels);
            int n = 0;
            int[] keptClusters = new int[clusters.length];
            int[] keptLabels = new int[labels.length];
            for (int i = 0; i < clusters.length; i++) {
                if (clusters[i] < 0) {
                    throw new IllegalArgumentException("cluster ids must be >= 0, got " + clusters[i]);
                }
                checkLabel(labels[i]);
                if (labels[i] != NO_LABEL) {
                    keptClusters[n] = clusters[i];
                    keptLabels[n] = labels[i];
                    n++;
                }
            }
            int[] clusterIds = distinct(keptClusters, n);
            int[] classIds = distinct(keptLabels, n);
            int[] counts = new int[clusterIds.length * classIds.length];
            for (int i = 0; i < n; i++) {
                int k = Arrays.binarySearch(clusterIds, keptClusters[i]);
                int c = Arrays.binarySearch(classIds, keptLabels[i]);
                counts[k * classIds.length + c]++;
            }
            return new Contingency(clusterIds.length, classIds.length, n, counts);
        }

        private static int[] distinct(int[] values, int n) {
            return Arrays.stream(values, 0, n).distinct().sorted().toArray();
        }
    }
}
