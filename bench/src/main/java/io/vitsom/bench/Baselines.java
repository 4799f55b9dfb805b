package io.vitsom.bench;

import io.vitsom.bench.maps.DesomMap;
import io.vitsom.bench.maps.SomVaeMap;
import io.vitsom.model.baselines.DesomConfig;
import io.vitsom.model.baselines.somvae.SomVaeConfig;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.train.StopSignal;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * How many epochs each model of the clustering benchmark trains, and the deep baselines' training (DESOM, SOM-VAE)
 * with their reference hyperparameters on the requested map.
 */
public final class Baselines {
    private Baselines() {
    }

    /**
     * The epochs a run trains.
     *
     * @param epochs epochs over the training set in all (DESOM: pre-training + joint phase)
     * @param pretrainEpochs DESOM's autoencoder pre-training epochs (0 for the other models)
     * @param map the baseline's map, or null for the default (the config's for the Kohonen SOM, 8x8 otherwise)
     */
    record Plan(ModelKind model, int epochs, int pretrainEpochs, MapSize map) {
        /** The Kohonen SOM's grid: {@link #map} with the config's topology, or the config's own grid. */
        SomGrid grid(VitSomConfig config) {
            SomGrid own = config.som().grid();
            return map == null ? own : new SomGrid(map.rows(), map.cols(), own.topology());
        }

        String describe() {
            String mapText = map == null ? "" : ", map " + map;
            return model == ModelKind.DESOM
                    ? String.format(Locale.ROOT, "%d epoch(s) = %d pre-training + %d joint%s", epochs, pretrainEpochs,
                    epochs - pretrainEpochs, mapText)
                    : String.format(Locale.ROOT, "%d epoch(s)%s", epochs, mapText);
        }
    }

    /**
     * Without {@code --epochs} every model trains its reference budget: ViT-SOM, URL-SOM (at most: it may stop
     * early) and the Kohonen SOM the config's total_epochs, SOM-VAE its 20 epochs, DESOM 200 pre-training epochs plus
     * the epochs its 10,000 joint iterations of 256 images make on this training set. With {@code --epochs E}, DESOM
     * splits E in the reference's ratio of pre-training to joint epochs (at least one joint epoch), so its
     * temperature schedule still runs in full.
     */
    static Plan plan(ModelKind model, Integer epochs, MapSize map, MapModelConfig config, int trainImages) {
        return switch (model) {
            case VIT_SOM, SOM, URL_SOM -> new Plan(model, epochs != null ? epochs : config.totalEpochs(), 0, map);
            case SOM_VAE -> new Plan(model, epochs != null ? epochs : SomVaeConfig.defaults().epochs(), 0, map);
            case DESOM -> {
                DesomConfig d = DesomConfig.defaults();
                int joint = (int) Math.max(1, Math.ceil((double) d.iterations() * d.batchSize() / trainImages));
                if (epochs == null) {
                    yield new Plan(model, d.pretrainEpochs() + joint, d.pretrainEpochs(), map);
                }
                int pretrain = (int) Math.floor((double) epochs * d.pretrainEpochs() / (d.pretrainEpochs() + joint));
                pretrain = Math.min(pretrain, epochs - 1);
                yield new Plan(model, epochs, pretrain, map);
            }
        };
    }

    /** Epochs of a model's reference training on {@code trainImages} images (what a budget may give it at most). */
    public static int referenceEpochs(ModelKind model, MapModelConfig config, int trainImages) {
        return plan(model, null, null, config, trainImages).epochs();
    }

    /**
     * Trains DESOM or SOM-VAE with its reference values on the plan's map (8x8 when none is given); {@code stop} ends
     * the training between steps with a {@link io.vitsom.model.train.StopRequestedException}.
     */
    static ClusteringBench.Trained train(ModelKind model, Plan plan, ImageSet train, long seed, int epochEvalLimit,
                                         PrintStream log, StopSignal stop) {
        MapSize map = plan.map() != null ? plan.map() : new MapSize(8, 8);
        ImageSet epochEval = train.limit(Math.min(epochEvalLimit, train.size()));
        if (model == ModelKind.DESOM) {
            DesomConfig config = DesomConfig.defaults().withMapSize(map.rows(), map.cols());
            DesomMap desom = DesomMap.train(config, train, plan.pretrainEpochs(), plan.epochs() - plan.pretrainEpochs(),
                    seed, log, stop);
            return trained(desom, desom.params(), config.batchSize(), desom.trainSeconds(), desom.imagesPerSecond(),
                    plan.epochs(), epochEval);
        }
        if (model == ModelKind.SOM_VAE) {
            SomVaeConfig config = SomVaeConfig.defaults().withMapSize(map.rows(), map.cols());
            SomVaeMap somVae = SomVaeMap.train(config, train, plan.epochs(), seed, log, stop);
            return trained(somVae, somVae.params(), config.batchSize(), somVae.trainSeconds(), somVae.imagesPerSecond(),
                    plan.epochs(), epochEval);
        }
        throw new IllegalArgumentException(model.label() + " is not a deep baseline");
    }

    private static ClusteringBench.Trained trained(io.vitsom.bench.maps.TrainedMap map, long params, int batchSize,
                                                   double seconds, double imagesPerSecond, int epochs,
                                                   ImageSet epochEval) {
        Clustering c = Clustering.of(map.bmus(epochEval), epochEval);
        return new ClusteringBench.Trained(map, params, batchSize, seconds, imagesPerSecond,
                List.of(new RunMetrics.EpochLog(epochs, Double.NaN, c.purity(), c.nmi(), seconds)));
    }
}
