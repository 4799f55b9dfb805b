package io.vitsom.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Loss pieces shared by the trainer and the evaluator. */
public final class Losses {
    private Losses() {
    }

    /**
     * {@code nn.CrossEntropyLoss(label_smoothing=eps)}: targets {@code (1 - eps) * onehot + eps / K},
     * loss {@code -sum_k q_k log softmax(z)_k}, averaged over the batch.
     */
    static NDArray labelSmoothedCrossEntropy(NDArray logits, int[] labels, int classes, double smoothing) {
        int batch = labels.length;
        float[] target = new float[batch * classes];
        float off = (float) (smoothing / classes);
        for (int i = 0; i < batch; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " outside [0, " + classes + ")");
            }
            for (int k = 0; k < classes; k++) {
                target[i * classes + k] = off;
            }
            target[i * classes + labels[i]] += (float) (1 - smoothing);
        }
        NDArray q = logits.getManager().create(target, new Shape(batch, classes));
        return logits.logSoftmax(1).mul(q).sum(new int[] {1}).mean().neg();
    }

    /** {@code distances[i, index[i]]} for every row, copied to Java. */
    public static float[] gatherRows(NDArray distances, long[] index) {
        return gatherRows(distances.toFloatArray(), index);
    }

    /** {@link #gatherRows(NDArray, long[])} on the rows already copied out, {@code [index.length, units]}. */
    public static float[] gatherRows(float[] all, long[] index) {
        int units = index.length == 0 ? 0 : all.length / index.length;
        float[] out = new float[index.length];
        for (int i = 0; i < index.length; i++) {
            out[i] = all[i * units + (int) index[i]];
        }
        return out;
    }

    /**
     * Per row of {@code all} ({@code [best.length, units]}), the index of the smallest value other than
     * {@code best[i]}, the first on ties; a one-unit map answers unit 0 as the predictor does.
     */
    public static long[] secondArgMin(float[] all, long[] best) {
        int units = best.length == 0 ? 0 : all.length / best.length;
        long[] out = new long[best.length];
        for (int i = 0; i < best.length; i++) {
            int base = i * units;
            int second = -1;
            for (int j = 0; j < units; j++) {
                if (j != best[i] && (second < 0 || all[base + j] < all[base + second])) {
                    second = j;
                }
            }
            out[i] = Math.max(second, 0);
        }
        return out;
    }
}
