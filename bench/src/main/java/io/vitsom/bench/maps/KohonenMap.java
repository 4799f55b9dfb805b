package io.vitsom.bench.maps;

import io.vitsom.model.data.ImageSet;
import io.vitsom.model.som.KohonenSom;
import io.vitsom.model.som.SomGrid;
import java.util.Objects;

/** The classic Kohonen SOM on raw pixels as a {@link TrainedMap}: the latent space is the pixel space. */
public final class KohonenMap implements TrainedMap {
    private final KohonenSom som;

    public KohonenMap(KohonenSom som) {
        this.som = Objects.requireNonNull(som, "som");
    }

    @Override
    public SomGrid grid() {
        return som.grid();
    }

    @Override
    public int latentDim() {
        return som.dim();
    }

    @Override
    public int[] bmus(ImageSet data) {
        return som.bmus(data);
    }

    @Override
    public float[] latent(ImageSet data) {
        float[] out = new float[data.size() * som.dim()];
        for (int i = 0; i < data.size(); i++) {
            data.copyImage(i, out, i * som.dim());
        }
        return out;
    }

    @Override
    public float[] distances(ImageSet data) {
        int units = som.grid().units();
        float[] out = new float[data.size() * units];
        float[] x = new float[som.dim()];
        for (int i = 0; i < data.size(); i++) {
            data.copyImage(i, x, 0);
            double[] d = som.distances(x);
            for (int j = 0; j < units; j++) {
                out[i * units + j] = (float) d[j];
            }
        }
        return out;
    }

    @Override
    public float[][] prototypes() {
        return som.prototypes();
    }

    @Override
    public float[][] prototypeImages() {
        return som.prototypes();
    }

    @Override
    public void close() {
        // Heap only.
    }
}
