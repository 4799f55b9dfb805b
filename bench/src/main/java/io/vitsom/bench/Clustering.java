package io.vitsom.bench;

import io.vitsom.model.data.ImageSet;
import io.vitsom.model.metrics.ClusteringMetrics;

/** Purity and NMI of BMU assignments, where every unit is a cluster. */
record Clustering(double purity, double nmi) {
    static Clustering of(int[] bmus, ImageSet data) {
        return new Clustering(ClusteringMetrics.purity(bmus, data.labels()), ClusteringMetrics.nmi(bmus, data.labels()));
    }
}
