package io.vitsom.bench.maps;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.nn.Autograd;

/** Walks an image set in fixed-size batches, and the array plumbing the maps share. */
final class Batches {
    private Batches() {
    }

    /** What to do with one batch: its images (flattened), the index of its first image, its size. */
    interface BatchConsumer {
        void accept(float[] images, int start, int size);
    }

    /** Rows of {@code width} values for a batch of {@code size} flattened images. */
    interface RowFunction {
        float[] apply(float[] images, int size);
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

    /** {@code function}'s rows for every image of {@code data}, batch by batch, row-major {@code [n, width]}. */
    static float[] rowsOf(ImageSet data, int batchSize, int width, RowFunction function) {
        float[] out = new float[data.size() * width];
        forEach(data, batchSize, (images, start, b) ->
                System.arraycopy(function.apply(images, b), 0, out, start * width, b * width));
        return out;
    }

    /** {@code block} (e.g. a SOM layer) applied without autograd to {@code rows} rows of {@code dim} values. */
    static float[] throughBlock(Block block, NDManager manager, ParameterStore store, float[] input, int rows, int dim) {
        try (Autograd off = Autograd.off(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(input, new Shape(rows, dim));
            return block.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
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
