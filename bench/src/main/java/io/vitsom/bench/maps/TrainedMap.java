package io.vitsom.bench.maps;

import io.vitsom.model.data.ImageSet;
import io.vitsom.model.som.SomGrid;

/**
 * A trained map-based clustering model as the benchmark evaluates it, whatever its kind (ViT-SOM, the Kohonen SOM
 * on pixels, DESOM, SOM-VAE): every one assigns images to units of a grid through a latent space in which its
 * prototypes live, so purity/NMI, grouped purity, the SOM-quality metrics and the latent projection are computed
 * the same way for all of them.
 */
public interface TrainedMap extends AutoCloseable {
    /** The map's grid. */
    SomGrid grid();

    /** Width of the latent space the prototypes live in (pixels for the Kohonen SOM). */
    int latentDim();

    /** Best-matching unit of every image. */
    int[] bmus(ImageSet data);

    /** Latent vectors of every image, row-major {@code [n, latentDim]}. */
    float[] latent(ImageSet data);

    /**
     * Distance of every image to every unit in the model's own distance (the one its BMUs minimise), row-major
     * {@code [n, units]}; the quantization and topographic errors come from it.
     */
    float[] distances(ImageSet data);

    /** The prototypes in latent space, {@code [units][latentDim]}. */
    float[][] prototypes();

    /** Each prototype as an image in the data's pixel layout, {@code [units][channels*height*width]}, for prototypes.png. */
    float[][] prototypeImages();

    /** Frees native memory; the map is unusable afterwards. */
    @Override
    void close();
}
