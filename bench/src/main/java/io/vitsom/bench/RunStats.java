package io.vitsom.bench;

import java.util.List;

/** Mean and sample standard deviation over runs, per metric: the "mean ± std" of every results table. */
public final class RunStats {
    private RunStats() {
    }

    /**
     * Per column of {@code runs} (one {@code double[]} of metric values per run): the mean, or with {@code std} the
     * sample standard deviation (0 for a single run; NaN where the metric is NaN).
     */
    public static double[] stat(List<double[]> runs, boolean std) {
        int k = runs.get(0).length;
        double[] out = new double[k];
        for (int i = 0; i < k; i++) {
            double sum = 0;
            for (double[] r : runs) {
                sum += r[i];
            }
            double mean = sum / runs.size();
            if (!std) {
                out[i] = mean;
                continue;
            }
            double sq = 0;
            for (double[] r : runs) {
                sq += (r[i] - mean) * (r[i] - mean);
            }
            out[i] = runs.size() > 1 ? Math.sqrt(sq / (runs.size() - 1)) : (Double.isNaN(mean) ? Double.NaN : 0);
        }
        return out;
    }
}
