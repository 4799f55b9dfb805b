package io.vitsom.bench.mask;

import java.util.List;
import java.util.Objects;

/**
 * Every finished run of one arm of a comparison.
 *
 * @param name the arm's name ({@code som_mask}, {@code full}, {@code pruned_k5}, {@code sigma_20}, ...)
 * @param description what the arm is, in words
 * @param params trained weights and biases (the SOMs' prototypes are not trained by gradient and not counted)
 * @param runs the finished runs, in seed order
 */
public record ArmResult(String name, String description, long params, List<ArmRun> runs) {
    public ArmResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        runs = List.copyOf(runs);
    }

    /** Mean test accuracy over the runs (NaN without runs). */
    public double accuracyMean() {
        return runs.stream().mapToDouble(ArmRun::accuracy).average().orElse(Double.NaN);
    }

    /** Sample standard deviation of the test accuracy (0 for one run, NaN without runs). */
    public double accuracyStd() {
        if (runs.isEmpty()) {
            return Double.NaN;
        }
        if (runs.size() == 1) {
            return 0;
        }
        double mean = accuracyMean();
        double ss = runs.stream().mapToDouble(r -> (r.accuracy() - mean) * (r.accuracy() - mean)).sum();
        return Math.sqrt(ss / (runs.size() - 1));
    }

    /** Mean over runs of the active neurons of every masked position (empty without runs). */
    public double[] activeMean() {
        if (runs.isEmpty()) {
            return new double[0];
        }
        double[] out = new double[runs.get(0).activePerLayer().length];
        for (ArmRun r : runs) {
            double[] a = r.activePerLayer();
            for (int i = 0; i < out.length; i++) {
                out[i] += a[i] / runs.size();
            }
        }
        return out;
    }

    /** Mean over runs of the test accuracy after each epoch (the epochs every run finished). */
    public double[] curveMean() {
        int epochs = runs.stream().mapToInt(r -> r.curve().size()).min().orElse(0);
        double[] out = new double[epochs];
        for (ArmRun r : runs) {
            for (int e = 0; e < epochs; e++) {
                out[e] += r.curve().get(e).testAccuracy() / runs.size();
            }
        }
        return out;
    }
}
