package io.vitsom.bench.suite;

/**
 * Splits {@code --budget-minutes} evenly over the suite's (dataset, model) runs and turns each share into epochs
 * from a measured training speed. Only training time is budgeted: calibration, evaluation and writing results come
 * on top, and a run of {@code --runs K} seeds trains K times its epochs (the share is divided by K).
 */
public final class BudgetSplit {
    private BudgetSplit() {
    }

    /** Seconds of training each of {@code cells} runs gets from {@code budgetMinutes}. */
    public static double shareSeconds(double budgetMinutes, int cells) {
        if (!(budgetMinutes > 0)) {
            throw new IllegalArgumentException("--budget-minutes must be > 0, got " + budgetMinutes);
        }
        if (cells <= 0) {
            throw new IllegalArgumentException("no runs to share the budget over");
        }
        return budgetMinutes * 60.0 / cells;
    }

    /**
     * Whole epochs of {@code trainImages} images that fit {@code shareSeconds} at {@code imagesPerSecond} for each of
     * {@code runs} seeds, at least 1 and at most {@code maxEpochs} (the model's reference training).
     */
    public static int epochs(double shareSeconds, double imagesPerSecond, int trainImages, int runs, int maxEpochs) {
        if (trainImages <= 0 || runs <= 0 || maxEpochs <= 0) {
            throw new IllegalArgumentException("trainImages, runs and maxEpochs must be > 0");
        }
        if (!(imagesPerSecond > 0) || Double.isInfinite(imagesPerSecond)) {
            throw new IllegalArgumentException("measured speed must be a positive number, got " + imagesPerSecond);
        }
        double fit = Math.floor(shareSeconds / runs * imagesPerSecond / trainImages);
        return (int) Math.max(1, Math.min(maxEpochs, fit));
    }
}
