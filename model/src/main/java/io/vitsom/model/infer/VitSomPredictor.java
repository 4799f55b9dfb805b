package io.vitsom.model.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.nn.Autograd;
import io.vitsom.model.nn.VitSom;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * Inference with a trained ViT-SOM: BMU assignment (encoder + SOM distances, no decoder), latent vectors,
 * and prototypes decoded back to images. Runs without autograd; each batch in its own scope.
 */
public final class VitSomPredictor {
    private final VitSom model;
    private final VitSomConfig config;
    private final NDManager manager;
    private final ParameterStore parameterStore;

    public VitSomPredictor(VitSom model, NDManager manager) {
        this.model = Objects.requireNonNull(model, "model");
        this.config = model.config();
        this.manager = Objects.requireNonNull(manager, "manager");
        this.parameterStore = new ParameterStore(manager, false);
        if (model.som().isEmpty()) {
            throw new IllegalArgumentException("model_arch " + config.modelArch() + " has no SOM to assign to");
        }
    }

    /** Assigns every image of {@code data}; {@code progress} (may be null) receives the count done. */
    public Assignments assign(ImageSet data, int batchSize, IntConsumer progress) {
        config.requireInput(data.channels(), data.height(), data.width(), data.name());
        int n = data.size();
        int[] bmu = new int[n];
        int[] second = new int[n];
        float[] distance = new float[n];
        int[] indices = new int[0];
        for (int start = 0; start < n; start += batchSize) {
            int b = Math.min(batchSize, n - start);
            if (indices.length != b) {
                indices = new int[b];
            }
            for (int i = 0; i < b; i++) {
                indices[i] = start + i;
            }
            float[][] rows = distances(data.batch(indices), b);
            for (int i = 0; i < b; i++) {
                float[] d = rows[i];
                int best = 0;
                int next = -1;
                for (int j = 1; j < d.length; j++) {
                    if (d[j] < d[best]) {
                        next = best;
                        best = j;
                    } else if (next < 0 || d[j] < d[next]) {
                        next = j;
                    }
                }
                bmu[start + i] = best;
                second[start + i] = Math.max(next, 0);
                distance[start + i] = d[best];
            }
            if (progress != null) {
                progress.accept(start + b);
            }
        }
        return new Assignments(bmu, distance, second);
    }

    /**
     * BMU, its distance and the second-best unit of every image of a batch of {@code [batch, C, H, W]} floats in
     * [0, 1]; the same result as taking the argmin of each row of {@link #distances} (the first minimum on ties),
     * but reduced inside libtorch so only {@code [batch]} values cross into Java instead of {@code [batch][units]}.
     *
     * @throws IllegalArgumentException when {@code images} does not hold {@code batch} images of the config's input
     */
    public Assignments bmus(float[] images, int batch) {
        int c = config.data().numChannels();
        int s = config.data().inputSize();
        if (batch < 0 || images.length != (long) batch * c * s * s) {
            throw new IllegalArgumentException("expected " + batch + " images of " + c + "x" + s + "x" + s + " ("
                    + (long) batch * c * s * s + " floats), got " + images.length + " floats");
        }
        if (batch == 0) {
            return new Assignments(new int[0], new float[0], new int[0]);
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray d = forward(images, batch).distances().orElseThrow();
            NDArray best = d.argMin(1);
            NDArray bestDistance = d.min(new int[] {1});
            // The second-best unit is the argmin once the best column is masked with +inf; a 1-unit map then
            // answers unit 0, as assign() does.
            NDArray units = manager.arange(0, config.som().units(), 1, DataType.INT64).expandDims(0);
            NDArray isBest = units.eq(best.expandDims(1)).broadcast(d.getShape());
            NDArray masked = NDArrays.where(isBest, manager.full(d.getShape(), Float.POSITIVE_INFINITY), d);
            NDArray second = masked.argMin(1);
            return new Assignments(
                    java.util.Arrays.stream(best.toLongArray()).mapToInt(Math::toIntExact).toArray(),
                    bestDistance.toFloatArray(),
                    java.util.Arrays.stream(second.toLongArray()).mapToInt(Math::toIntExact).toArray());
        }
    }

    /** SOM distances {@code [batch][units]} of a batch of {@code [batch, C, H, W]} floats in [0, 1]. */
    public float[][] distances(float[] images, int batch) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            VitSom.Outputs out = forward(images, batch);
            float[] flat = out.distances().orElseThrow().toFloatArray();
            int units = config.som().units();
            float[][] rows = new float[batch][];
            for (int i = 0; i < batch; i++) {
                rows[i] = java.util.Arrays.copyOfRange(flat, i * units, (i + 1) * units);
            }
            return rows;
        }
    }

    /** The SOM input vectors (flattened patch tokens, or CLS with {@code use_reduced}) of a batch. */
    public float[] latent(float[] images, int batch) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            VitSom.Outputs out = forward(images, batch);
            return (config.som().useReduced() ? out.cls() : out.patches()).toFloatArray();
        }
    }

    /** Mean L2 norm of the SOM input vectors of the first {@code sample} images (decoding scale). */
    public double meanLatentNorm(ImageSet data, int sample) {
        int n = Math.min(sample, data.size());
        int[] indices = java.util.stream.IntStream.range(0, n).toArray();
        return meanLatentNorm(data.batch(indices), n);
    }

    /** Mean L2 norm of the SOM input vectors of a batch of {@code [batch, C, H, W]} floats (decoding scale). */
    public double meanLatentNorm(float[] images, int batch) {
        float[] z = latent(images, batch);
        int dim = z.length / batch;
        double sum = 0;
        for (int i = 0; i < batch; i++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                s += (double) z[i * dim + k] * z[i * dim + k];
            }
            sum += Math.sqrt(s);
        }
        return sum / batch;
    }

    /**
     * Every prototype decoded to an image {@code [units][C*H*W]}. Cosine prototypes carry direction only,
     * so each is rescaled to {@code latentNorm} (the typical norm of real latents) before decoding; the CLS
     * slot the decoder expects is zero. Only for configs whose SOM sees patch tokens ({@code use_reduced: false}).
     */
    public float[][] decodePrototypes(double latentNorm) {
        if (config.som().useReduced()) {
            throw new UnsupportedOperationException("use_reduced prototypes live in CLS space and cannot be decoded");
        }
        int units = config.som().units();
        int n = config.numPatches();
        int d = config.vit().embDim();
        float[][] images = new float[units][];
        int chunk = 256;
        for (int start = 0; start < units; start += chunk) {
            int b = Math.min(chunk, units - start);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray w = model.som().orElseThrow().prototypes().getArray()
                        .get(new ai.djl.ndarray.index.NDIndex(start + ":" + (start + b)));
                NDArray scale = w.norm(new int[] {1}, true).maximum(manager.create(1e-12f))
                        .getNDArrayInternal().rdiv(manager.create((float) latentNorm));
                NDArray tokens = w.mul(scale).reshape(b, n, d);
                NDArray withCls = NDArrays.concat(new NDList(manager.zeros(new Shape(b, 1, d)), tokens), 1);
                float[] flat;
                try (Autograd off = Autograd.off()) {
                    flat = model.decoder().forward(parameterStore, new NDList(withCls), false)
                            .singletonOrThrow().toFloatArray();
                }
                int size = flat.length / b;
                for (int i = 0; i < b; i++) {
                    images[start + i] = java.util.Arrays.copyOfRange(flat, i * size, (i + 1) * size);
                }
            }
        }
        return images;
    }

    private VitSom.Outputs forward(float[] images, int batch) {
        int c = config.data().numChannels();
        int s = config.data().inputSize();
        NDArray x = manager.create(images, new Shape(batch, c, s, s));
        PairList<String, Object> params = new PairList<>();
        params.add(VitSom.SKIP_DECODER, Boolean.TRUE);
        try (Autograd off = Autograd.off()) {
            return VitSom.Outputs.of(model, model.forward(parameterStore, new NDList(x), false, params));
        }
    }
}
