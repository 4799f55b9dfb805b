package io.vitsom.model.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Agglomerative clustering with Ward's criterion, cut at k clusters: groups a map's prototypes into k clusters so
 * maps of different sizes can be compared at the same number of clusters (purity grows with the number of units).
 * Uses the nearest-neighbour chain algorithm, O(n^2) time and memory, exact for Ward (a reducible linkage), so a
 * 40x40 map's 1,600 prototypes take well under a second.
 */
public final class WardClustering {
    private WardClustering() {
    }

    /**
     * Cluster labels {@code 0 .. k-1} of {@code n} rows of {@code dim} values; the labels are numbered by first
     * appearance.
     *
     * @param data {@code n * dim} values, row-major
     * @param k clusters (1 .. n)
     */
    public static int[] fit(float[] data, int dim, int k) {
        Objects.requireNonNull(data, "data");
        if (dim <= 0 || data.length % dim != 0) {
            throw new IllegalArgumentException("data length " + data.length + " is not a multiple of dim " + dim);
        }
        int n = data.length / dim;
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k must be in [1, " + n + "], got " + k);
        }
        // Ward distance between clusters as the Lance-Williams recurrence on squared euclidean distances.
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0;
                for (int t = 0; t < dim; t++) {
                    double diff = data[i * dim + t] - data[j * dim + t];
                    s += diff * diff;
                }
                d[i][j] = s;
                d[j][i] = s;
            }
        }
        int[] size = new int[n];
        boolean[] active = new boolean[n];
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            size[i] = 1;
            active[i] = true;
            parent[i] = i;
        }
        int clusters = n;
        List<Integer> chain = new ArrayList<>();
        while (clusters > k) {
            if (chain.isEmpty()) {
                for (int i = 0; i < n; i++) {
                    if (active[i]) {
                        chain.add(i);
                        break;
                    }
                }
            }
            int a = chain.get(chain.size() - 1);
            int previous = chain.size() > 1 ? chain.get(chain.size() - 2) : -1;
            int b = -1;
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                // Ties go to the previous chain element, which guarantees the chain ends in reciprocal neighbours.
                if (active[j] && j != a && (d[a][j] < best || (d[a][j] == best && j == previous))) {
                    best = d[a][j];
                    b = j;
                }
            }
            if (b == previous) {
                chain.remove(chain.size() - 1);
                chain.remove(chain.size() - 1);
                merge(d, size, active, parent, a, b, n);
                clusters--;
            } else {
                chain.add(b);
            }
        }
        int[] labels = new int[n];
        int[] rootLabel = new int[n];
        java.util.Arrays.fill(rootLabel, -1);
        int next = 0;
        for (int i = 0; i < n; i++) {
            int root = find(parent, i);
            if (rootLabel[root] < 0) {
                rootLabel[root] = next++;
            }
            labels[i] = rootLabel[root];
        }
        return labels;
    }

    /** Merges cluster {@code b} into {@code a} and updates the Ward distances of {@code a} to every other cluster. */
    private static void merge(double[][] d, int[] size, boolean[] active, int[] parent, int a, int b, int n) {
        double dab = d[a][b];
        for (int c = 0; c < n; c++) {
            if (active[c] && c != a && c != b) {
                double total = size[a] + size[b] + size[c];
                double updated = ((size[a] + size[c]) * d[a][c] + (size[b] + size[c]) * d[b][c] - size[c] * dab)
                        / total;
                d[a][c] = updated;
                d[c][a] = updated;
            }
        }
        size[a] += size[b];
        active[b] = false;
        parent[b] = a;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }
}
