package io.vitsom.model.metrics;

/**
 * Accuracy and macro-averaged precision, recall and F1 of hard predictions, with scikit-learn
 * semantics: the macro average runs over the classes present in {@code actual ∪ predicted} and a
 * ratio with a zero denominator counts as 0 ({@code zero_division=0}).
 *
 * <p>Samples whose actual label is {@code -1} (unknown) are left out. A prediction of {@code -1}
 * (e.g. the majority label of a SOM unit that saw no labelled sample) is a wrong answer and, as in
 * scikit-learn given the same arrays, counts as a class of its own with precision, recall and F1 of 0.
 *
 * @param accuracy share of correct predictions
 * @param macroPrecision unweighted mean of per-class precision
 * @param macroRecall unweighted mean of per-class recall
 * @param macroF1 unweighted mean of per-class F1
 */
public record ClassificationMetrics(double accuracy, double macroPrecision, double macroRecall, double macroF1) {

    /**
     * Scores {@code predicted} against {@code actual}; labels must lie in {@code [-1, numClasses)}.
     * All four values are {@code NaN} when no sample has a known actual label.
     */
    public static ClassificationMetrics of(int[] predicted, int[] actual, int numClasses) {
        if (predicted.length != actual.length) {
            throw new IllegalArgumentException(
                    "predicted and actual differ in length: " + predicted.length + " vs " + actual.length);
        }
        if (numClasses <= 0) {
            throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
        }
        // Slot numClasses stands for the "-1" prediction.
        int slots = numClasses + 1;
        long[] truePositives = new long[slots];
        long[] predictedCount = new long[slots];
        long[] actualCount = new long[slots];
        long scored = 0;
        long correct = 0;
        for (int i = 0; i < actual.length; i++) {
            int a = check(actual[i], numClasses, "actual");
            int p = check(predicted[i], numClasses, "predicted");
            if (a == -1) {
                continue;
            }
            int ps = p == -1 ? numClasses : p;
            scored++;
            actualCount[a]++;
            predictedCount[ps]++;
            if (a == p) {
                correct++;
                truePositives[a]++;
            }
        }
        if (scored == 0) {
            return new ClassificationMetrics(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double precisionSum = 0;
        double recallSum = 0;
        double f1Sum = 0;
        int present = 0;
        for (int c = 0; c < slots; c++) {
            if (actualCount[c] == 0 && predictedCount[c] == 0) {
                continue;
            }
            present++;
            long tp = truePositives[c];
            precisionSum += ratio(tp, predictedCount[c]);
            recallSum += ratio(tp, actualCount[c]);
            // 2tp / (2tp + fp + fn): equals 2PR/(P+R) and is 0 instead of 0/0 when tp == 0.
            f1Sum += ratio(2 * tp, predictedCount[c] + actualCount[c]);
        }
        return new ClassificationMetrics(
                (double) correct / scored, precisionSum / present, recallSum / present, f1Sum / present);
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }

    private static int check(int label, int numClasses, String what) {
        if (label < -1 || label >= numClasses) {
            throw new IllegalArgumentException(what + " label " + label + " outside [-1, " + numClasses + ")");
        }
        return label;
    }
}
