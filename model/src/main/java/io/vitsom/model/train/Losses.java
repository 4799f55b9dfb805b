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
        float[] all = distances.toFloatArray();
        int units = (int) distances.getShape().get(1);
        float[] out = new float[index.length];
        for (int i = 0; i < index.length; i++) {
            out[i] = all[i * units + (int) index[i]];
        }
        return out;
    }
}
