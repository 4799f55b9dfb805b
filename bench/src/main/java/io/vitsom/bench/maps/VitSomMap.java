package io.vitsom.bench.maps;

import ai.djl.ndarray.NDManager;
import io.vitsom.model.config.Distance;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.infer.VitSomPredictor;
import io.vitsom.model.nn.VitSom;
import io.vitsom.model.som.SomGrid;
import java.util.Objects;

/**
 * A ViT-SOM as a {@link TrainedMap}; it views the live model, so it can be measured between epochs while the
 * model trains. The latent space is the SOM's input (flattened patch tokens, or CLS with {@code use_reduced}).
 * With the cosine distance only a prototype's direction matters, so {@link #prototypes()} are unit-normalised
 * there: Ward grouping then works in the geometry the BMUs use.
 */
public final class VitSomMap implements TrainedMap {
    static final int BATCH = 256;
    /** Images whose mean latent norm scales the decoded prototypes (cosine prototypes carry direction only). */
    static final int NORM_SAMPLE = 512;

    private final VitSom model;
    private final NDManager manager;
    private final VitSomPredictor predictor;
    private final VitSomConfig config;
    private final ImageSet normSample;
    private final boolean ownsManager;

    /**
     * @param model an initialised model whose parameters {@code manager} owns
     * @param normSample images whose latent norm scales decoded prototypes (the training set)
     * @param ownsManager whether {@link #close()} closes {@code manager}
     */
    public VitSomMap(VitSom model, NDManager manager, ImageSet normSample, boolean ownsManager) {
        this.model = Objects.requireNonNull(model, "model");
        this.manager = Objects.requireNonNull(manager, "manager");
        this.predictor = new VitSomPredictor(model, manager);
        this.config = model.config();
        this.normSample = Objects.requireNonNull(normSample, "normSample");
        this.ownsManager = ownsManager;
    }

    /** The wrapped model. */
    public VitSom model() {
        return model;
    }

    @Override
    public SomGrid grid() {
        return config.som().grid();
    }

    @Override
    public int latentDim() {
        return config.somInputDim();
    }

    @Override
    public int[] bmus(ImageSet data) {
        return predictor.assign(data, BATCH, null).bmu();
    }

    @Override
    public float[] latent(ImageSet data) {
        return Batches.rowsOf(data, BATCH, latentDim(), predictor::latent);
    }

    @Override
    public float[] distances(ImageSet data) {
        int units = grid().units();
        return Batches.rowsOf(data, BATCH, units, (images, b) -> {
            float[] flat = new float[b * units];
            float[][] rows = predictor.distances(images, b);
            for (int i = 0; i < b; i++) {
                System.arraycopy(rows[i], 0, flat, i * units, units);
            }
            return flat;
        });
    }

    @Override
    public float[][] prototypes() {
        float[][] rows = Batches.rows(model.som().orElseThrow().prototypes().getArray().toFloatArray(), latentDim());
        if (config.som().distance() == Distance.COSINE) {
            for (float[] row : rows) {
                double norm = 0;
                for (float v : row) {
                    norm += (double) v * v;
                }
                float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
                for (int k = 0; k < row.length; k++) {
                    row[k] *= scale;
                }
            }
        }
        return rows;
    }

    @Override
    public float[][] prototypeImages() {
        return predictor.decodePrototypes(predictor.meanLatentNorm(normSample, NORM_SAMPLE));
    }

    @Override
    public void close() {
        if (ownsManager) {
            manager.close();
        }
    }
}
