package io.vitsom.bench;

/**
 * The seed paper's early stopping on the training loss (URL-SOM, sec. V.B: "early stopping if the loss does not
 * improve after 10 epochs"), as Keras' {@code EarlyStopping(monitor="loss", patience=P)} with {@code min_delta = 0}
 * and no weight restore: an epoch improves when its mean loss is strictly below the best so far; training stops
 * after the epoch that makes {@code patience} epochs in a row without an improvement. A NaN loss never improves.
 * Patience 0 never stops. Pure bookkeeping, no model.
 */
final class EarlyStopping {
    private final int patience;
    private double best = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private int epochs;
    private int sinceBest;

    /** @param patience epochs without improvement before stopping; 0 turns early stopping off */
    EarlyStopping(int patience) {
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be >= 0, got " + patience);
        }
        this.patience = patience;
    }

    /**
     * Records the mean loss of the next epoch; returns whether training should stop after it.
     */
    boolean stopAfter(double epochLoss) {
        epochs++;
        if (epochLoss < best) {
            best = epochLoss;
            bestEpoch = epochs;
            sinceBest = 0;
        } else {
            sinceBest++;
        }
        return patience > 0 && sinceBest >= patience;
    }

    /** The lowest epoch loss so far ({@code +inf} before the first improvement). */
    double bestLoss() {
        return best;
    }

    /** The 1-based epoch of {@link #bestLoss()}, 0 before the first improvement. */
    int bestEpoch() {
        return bestEpoch;
    }

    /** Epochs since the last improvement. */
    int epochsWithoutImprovement() {
        return sinceBest;
    }

    /** The patience (0: off). */
    int patience() {
        return patience;
    }
}
