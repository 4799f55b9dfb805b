package io.vitsom.model.generative;

import java.util.Objects;

/**
 * The Inception Score formula (Salimans et al. 2016), {@code exp(mean_x KL(p(y|x) || p(y)))} with
 * {@code p(y) = mean_x p(y|x)}: high when each image is classified confidently and the classes are spread evenly.
 * In this project the class probabilities come from this project's own Fashion-MNIST classifier
 * ({@link FeatureClassifier#probabilities}), not from Inception-v3, so its values are "IS (FMNIST classifier)": they
 * range from 1 to the number of classes (10) and are not comparable with published Inception Scores.
 *
 * <p>Terms with {@code p(y|x) = 0} contribute 0 ({@code 0 log 0 = 0}).
 */
public final class InceptionScore {
    /** How far a row's sum may stray from 1 before it is rejected as not a probability distribution. */
    private static final double SUM_TOLERANCE = 1e-3;

    private InceptionScore() {
    }

    /**
     * The score over splits: its mean and (population) standard deviation, as the original evaluation reports it.
     *
     * @param mean mean of the per-split scores
     * @param std standard deviation of the per-split scores (divided by the number of splits)
     */
    public record SplitScores(double mean, double std) {
    }

    /**
     * The score of all rows together; each row {@code [K]} is one image's class probabilities.
     *
     * @throws IllegalArgumentException when there are no rows, rows of different widths, or a row that is not a
     *     probability distribution (a negative or non-finite entry, a sum away from 1)
     */
    public static double of(float[][] classProbabilities) {
        requireDistributions(classProbabilities);
        return score(classProbabilities, 0, classProbabilities.length);
    }

    /**
     * The score of each of {@code splits} consecutive parts of the rows (part {@code k} holds rows
     * {@code [floor(k n / splits), floor((k + 1) n / splits))}, so every row counts once), summarised as mean and
     * standard deviation. Rows should be in random order, as a part's score depends on its class mix.
     *
     * @throws IllegalArgumentException as {@link #of(float[][])}, or when {@code splits} is not in {@code [1, n]}
     */
    public static SplitScores of(float[][] classProbabilities, int splits) {
        requireDistributions(classProbabilities);
        int n = classProbabilities.length;
        if (splits < 1 || splits > n) {
            throw new IllegalArgumentException("splits must be in [1, " + n + "], got " + splits);
        }
        double[] scores = new double[splits];
        double sum = 0;
        for (int k = 0; k < splits; k++) {
            int from = (int) ((long) k * n / splits);
            int to = (int) ((long) (k + 1) * n / splits);
            scores[k] = score(classProbabilities, from, to);
            sum += scores[k];
        }
        double mean = sum / splits;
        double squares = 0;
        for (double s : scores) {
            squares += (s - mean) * (s - mean);
        }
        return new SplitScores(mean, Math.sqrt(squares / splits));
    }

    private static double score(float[][] p, int from, int to) {
        int classes = p[0].length;
        double[] marginal = new double[classes];
        for (int i = from; i < to; i++) {
            for (int y = 0; y < classes; y++) {
                marginal[y] += p[i][y];
            }
        }
        int n = to - from;
        for (int y = 0; y < classes; y++) {
            marginal[y] /= n;
        }
        double kl = 0;
        for (int i = from; i < to; i++) {
            for (int y = 0; y < classes; y++) {
                double pyx = p[i][y];
                if (pyx > 0) {
                    kl += pyx * (Math.log(pyx) - Math.log(marginal[y]));
                }
            }
        }
        return Math.exp(kl / n);
    }

    private static void requireDistributions(float[][] p) {
        Objects.requireNonNull(p, "classProbabilities");
        if (p.length == 0) {
            throw new IllegalArgumentException("classProbabilities must hold at least one row");
        }
        int classes = p[0].length;
        if (classes == 0) {
            throw new IllegalArgumentException("classProbabilities rows must not be empty");
        }
        for (int i = 0; i < p.length; i++) {
            if (p[i].length != classes) {
                throw new IllegalArgumentException("row " + i + " has " + p[i].length + " classes, row 0 has "
                        + classes);
            }
            double sum = 0;
            for (int y = 0; y < classes; y++) {
                if (!(p[i][y] >= 0) || !Float.isFinite(p[i][y])) {
                    throw new IllegalArgumentException("row " + i + " class " + y + " has probability " + p[i][y]);
                }
                sum += p[i][y];
            }
            if (Math.abs(sum - 1) > SUM_TOLERANCE) {
                throw new IllegalArgumentException("row " + i + " sums to " + sum + ", not 1");
            }
        }
    }
}
