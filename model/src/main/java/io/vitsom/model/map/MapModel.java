package io.vitsom.model.map;

import ai.djl.nn.Parameter;
import io.vitsom.model.infer.Assignments;
import io.vitsom.model.som.SomGrid;
import java.util.Map;

/**
 * A self-organizing map model as the learner, serving, the dashboard and the checkpoints use it, whatever its kind
 * (ViT-SOM, URL-SOM): it assigns images to units of a grid, trains through a {@link MapTrainer}, shows each unit as
 * a picture and persists its parameters by name. An instance is bound to the {@code NDManager} that owns its
 * parameters ({@link MapModels#create}); it is not thread-safe.
 */
public interface MapModel {
    /** The model's configuration. */
    MapModelConfig config();

    /** The map's units and their geometry. */
    default SomGrid grid() {
        return config().grid();
    }

    /**
     * Everything a checkpoint stores, by stable name: trained parameters and state that is not trained but must be
     * kept (batch-norm running statistics). The names are the files of a checkpoint's {@code params/}.
     */
    Map<String, Parameter> namedParameters();

    /** Number of trained scalars. */
    long trainableParameterCount();

    /**
     * Best-matching unit, its distance and the second-best unit of each of {@code count} images ({@code [count, C,
     * H, W]} floats in [0, 1]). What "distance" means is the model's own: the SOM distance to the prototype for
     * ViT-SOM, {@code 1 - max probability} for URL-SOM; smaller is always a better match.
     *
     * @throws IllegalArgumentException when {@code images} does not hold {@code count} images of the config's input
     */
    Assignments assign(float[] images, int count);

    /** The BMU of every image of {@code data}, assigned {@code batchSize} at a time. */
    default int[] bmus(io.vitsom.model.data.ImageSet data, int batchSize) {
        config().requireInput(data.channels(), data.height(), data.width(), data.name());
        int[] out = new int[data.size()];
        for (int from = 0; from < data.size(); from += batchSize) {
            int b = Math.min(batchSize, data.size() - from);
            int[] idx = java.util.stream.IntStream.range(from, from + b).toArray();
            System.arraycopy(assign(data.batch(idx), b).bmu(), 0, out, from, b);
        }
        return out;
    }

    /**
     * The map's prototype vectors, row-major {@code [units, prototypeDim()]}: what the prototype drift between
     * versions is measured on (ViT-SOM: the SOM weights; URL-SOM: each unit's row of the projection to the map).
     */
    float[] prototypes();

    /** Width of one prototype vector. */
    int prototypeDim();

    /** The distance in which prototypes are compared (drift between versions, the dashboard's U-matrix). */
    default io.vitsom.model.config.Distance prototypeDistance() {
        return config().prototypeDistance();
    }

    /**
     * Each unit as a picture in the input's pixel layout, {@code [units][C*H*W]} in [0, 1] (an entry is null where
     * the model has nothing to show for a unit), using {@code recent}, {@code count} recent images: ViT-SOM decodes
     * its prototypes at the recent images' latent scale, URL-SOM averages the recent images each unit wins.
     * Returns null when the model cannot draw its units at all.
     */
    float[][] unitPictures(float[] recent, int count);

    /** A trainer of this model with the given schedule (its optimizer state starts empty). */
    MapTrainer newTrainer(io.vitsom.model.train.TrainingSchedule schedule);

    /**
     * The schedule of an open-ended stream: the model's schedules over an organisation horizon of
     * {@code horizonImages} images, one pseudo-epoch per step, then held.
     */
    OrganisationSchedule streamingSchedule(long horizonImages);
}
