package io.vitsom.bench.maps;

import io.vitsom.model.data.ImageSet;

/** Walks an image set in fixed-size batches, and splits flat arrays into rows. */
final class Batches {
    private Batches() {
    }

    /** What to do with one batch: its images (flattened), the index of its first image, its size. */
    interface BatchConsumer {
        void accept(float[] images, int start, int size);
    }

    static void forEach(ImageSet data, int batchSize, BatchConsumer consumer) {
        int n = data.size();
        for (int start = 0; start < n; start += batchSize) {
            int b = Math.min(batchSize, n - start);
            int[] idx = new int[b];
            for (int i = 0; i < b; i++) {
                idx[i] = start + i;
            }
            consumer.accept(data.batch(idx), start, b);
        }
    }

    static float[][] rows(float[] flat, int dim) {
        float[][] out = new float[flat.length / dim][];
        for (int i = 0; i < out.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
        }
        return out;
    }
}
