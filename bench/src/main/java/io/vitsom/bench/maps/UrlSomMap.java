package io.vitsom.bench.maps;

import ai.djl.ndarray.NDManager;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.urlsom.UrlSomModel;
import java.util.Objects;

/**
 * A URL-SOM (seed paper 003) as a {@link TrainedMap}; it views the live model, so it can be measured between epochs
 * while the model trains. URL-SOM has no prototype vectors that images are compared to: a unit is an output of the
 * softmax over the map, so each part of the benchmark's view means this:
 * <ul>
 *   <li>BMU: the most probable unit ({@link UrlSomModel#assign}, inference mode), the same assignment
 *       {@code vitsom eval} and serving use;</li>
 *   <li>latent: the backbone's globally pooled features ({@code widths[last]}, 256-d in the seed's ResNet-20), the
 *       space the projection to the map reads (trustworthiness, neighbourhood preservation and t-SNE use it);</li>
 *   <li>distances: {@code 1 - p_k} for every unit {@code k}, so the BMU is the closest unit and the quantization error
 *       is the mean {@code 1 - max p} (0 for a perfect winner-take-all response), the topographic error whether the
 *       two most probable units are neighbours on the grid;</li>
 *   <li>prototypes: the projection's rows {@code W_k} (logits {@code = W f + b}), which live in the feature space:
 *       before the fixed kernel and the softmax, unit {@code k}'s logit is largest where {@code f} points along
 *       {@code W_k}, so Ward grouping of the units groups what they respond to (the kernel and the bias are left
 *       out);</li>
 *   <li>prototype images: the mean of the training images (the first {@value #PICTURE_SAMPLE}) each unit wins
 *       ({@link UrlSomModel#unitPictures}); a unit that wins none of them is drawn blank (all zeros).</li>
 * </ul>
 */
public final class UrlSomMap implements TrainedMap {
    static final int BATCH = 256;
    /** Training images whose per-unit means are the prototype images, at most. */
    public static final int PICTURE_SAMPLE = 10_000;

    private final UrlSomModel model;
    private final NDManager manager;
    private final ImageSet pictureSource;
    private final boolean ownsManager;

    /**
     * @param model an initialised model whose parameters {@code manager} owns
     * @param pictureSource images whose per-unit means are the prototype images (the training set; its first
     *     {@value #PICTURE_SAMPLE} are used)
     * @param ownsManager whether {@link #close()} closes {@code manager}
     */
    public UrlSomMap(UrlSomModel model, NDManager manager, ImageSet pictureSource, boolean ownsManager) {
        this.model = Objects.requireNonNull(model, "model");
        this.manager = Objects.requireNonNull(manager, "manager");
        this.pictureSource = Objects.requireNonNull(pictureSource, "pictureSource");
        this.ownsManager = ownsManager;
    }

    /** The wrapped model. */
    public UrlSomModel model() {
        return model;
    }

    @Override
    public SomGrid grid() {
        return model.grid();
    }

    /** The pooled feature width ({@code backbone.widths[last]}). */
    @Override
    public int latentDim() {
        return model.prototypeDim();
    }

    /** The most probable unit of every image. */
    @Override
    public int[] bmus(ImageSet data) {
        return model.bmus(data, BATCH);
    }

    /** The pooled backbone features, {@code [n, latentDim]}. */
    @Override
    public float[] latent(ImageSet data) {
        return Batches.rowsOf(data, BATCH, latentDim(), model::features);
    }

    /** {@code 1 - probability} of every unit, {@code [n, units]}. */
    @Override
    public float[] distances(ImageSet data) {
        int units = grid().units();
        return Batches.rowsOf(data, BATCH, units, (images, b) -> {
            float[] p = model.probabilities(images, b);
            for (int i = 0; i < p.length; i++) {
                p[i] = 1f - p[i];
            }
            return p;
        });
    }

    /** The projection's rows, {@code [units][latentDim]}. */
    @Override
    public float[][] prototypes() {
        return Batches.rows(model.prototypes(), latentDim());
    }

    /** The mean of the sampled training images each unit wins; blank for a unit that wins none. */
    @Override
    public float[][] prototypeImages() {
        int units = grid().units();
        ImageSet pictureSample = pictureSource.limit(Math.min(PICTURE_SAMPLE, pictureSource.size()));
        int per = pictureSample.imageSize();
        float[][] pictures = null;
        if (pictureSample.size() > 0) {
            int[] all = new int[pictureSample.size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            pictures = model.unitPictures(pictureSample.batch(all), all.length);
        }
        float[][] out = new float[units][];
        for (int k = 0; k < units; k++) {
            out[k] = pictures != null && pictures[k] != null ? pictures[k] : new float[per];
        }
        return out;
    }

    @Override
    public void close() {
        if (ownsManager) {
            manager.close();
        }
    }
}
