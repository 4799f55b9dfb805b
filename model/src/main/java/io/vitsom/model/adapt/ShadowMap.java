package io.vitsom.model.adapt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.map.MapTrainer;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.train.StepResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * A candidate map that trains on the live map's batches, so that a map which organised on the old feed can be
 * replaced by one that organised on the new feed without stopping the service. The candidate is compared with the
 * live map on the same fresh images and changes places with it on promotion, so a promotion can be undone.
 * Not thread-safe: one caller, the training thread.
 */
final class ShadowMap implements AutoCloseable {
    /** Fresh images over which the live and shadow maps' quality is averaged for the promotion rule. */
    private static final double QUALITY_WINDOW = 2_000;

    private final MapModelConfig model;
    private final NDManager manager;
    private final AdaptationConfig.Shadow rule;
    private final long seed;
    private final Function<MapModel, Contender> contenders;
    private Contender candidate;
    private long starts;
    /** Fresh images the candidate has trained on (since the former live map became the candidate, all of them). */
    private long images;

    /**
     * One side of a promotion: a map's trainer, the plasticity controller its schedule holds and its recent
     * quality, which change places together.
     */
    record Contender(MapTrainer trainer, PlasticityController plasticity, Quality quality) {
    }

    /**
     * @param contenders builds a map's trainer and plasticity the way the live map's were built
     * @param seed seeds each fresh candidate (one seed per start)
     */
    ShadowMap(MapModelConfig model, NDManager manager, AdaptationConfig.Shadow rule, long seed,
              Function<MapModel, Contender> contenders) {
        this.model = model;
        this.manager = manager;
        this.rule = rule;
        this.seed = seed;
        this.contenders = contenders;
    }

    /** Starts a fresh candidate (replacing a running one). */
    void start() {
        if (candidate != null) {
            candidate.trainer().close();
        }
        Engine.getInstance().setRandomSeed((int) (seed + 1 + starts++));
        candidate = contenders.apply(MapModels.create(model, manager));
        images = 0;
    }

    boolean running() {
        return candidate != null;
    }

    Optional<MapTrainer> trainer() {
        return Optional.ofNullable(candidate).map(Contender::trainer);
    }

    /** Anneals the candidate's plasticity on the same clock as the live map's. */
    void advanceTo(long freshImages) {
        if (candidate != null) {
            candidate.plasticity().advanceTo(freshImages);
        }
    }

    /** Trains the candidate on the live map's batch, whose first {@code fresh} images count towards its quality. */
    void step(float[] batch, int count, int fresh, SomGrid grid) {
        StepResult s = candidate.trainer().step(batch, count);
        images += fresh;
        candidate.quality().add(s.bmus(), s.secondBmus(), s.bmuDistances(), fresh, grid);
    }

    /** Whether the candidate trained long enough and is better than {@code live} by the margin. */
    boolean promotable(Quality live) {
        return candidate != null && images >= rule.minImages() && candidate.quality().ready() && live.ready()
                && candidate.quality().qe() < live.qe() * (1 - rule.margin());
    }

    /**
     * Makes {@code live} the candidate and returns the former candidate to serve; the former live map has trained
     * on all {@code freshImages}.
     *
     * @throws IllegalStateException when no candidate trains
     */
    Contender promote(Contender live, long freshImages) {
        if (candidate == null) {
            throw new IllegalStateException("no shadow map is training; start one with the learner's --shadow option");
        }
        Contender next = candidate;
        candidate = live;
        images = freshImages;
        return next;
    }

    /** Window quantization error of the candidate (NaN without one). */
    double quantizationError() {
        return candidate == null ? Double.NaN : candidate.quality().qe();
    }

    /** Window topographic error of the candidate (NaN without one). */
    double topographicError() {
        return candidate == null ? Double.NaN : candidate.quality().te();
    }

    long images() {
        return images;
    }

    /** The running candidate's plasticity, for a checkpoint. */
    JsonNode plasticityJson() {
        return candidate.plasticity().toJson();
    }

    /** Writes the candidate's model and optimizer under {@code dir}; nothing without a candidate. */
    void save(Path dir) throws IOException {
        if (candidate != null) {
            Checkpoint.writeContents(dir, candidate.trainer(), seed, JsonNodeFactory.instance.objectNode());
        }
    }

    /**
     * Takes back the candidate {@link #save} wrote under {@code dir} (replacing a running one, whose quality window
     * it keeps) with the plasticity checkpointed beside it.
     */
    void restore(Path dir, JsonNode plasticity) throws IOException {
        Checkpoint.Loaded loaded = Checkpoint.loadContents(dir, manager);
        Quality quality = candidate == null ? new Quality() : candidate.quality();
        if (candidate != null) {
            candidate.trainer().close();
        }
        Contender restored = contenders.apply(loaded.model());
        restored.plasticity().restore(plasticity);
        loaded.restore(restored.trainer());
        candidate = new Contender(restored.trainer(), restored.plasticity(), quality);
    }

    /** Takes back the candidate's image count from a checkpoint (kept there with or without a candidate). */
    void restoreImages(long images) {
        this.images = images;
    }

    @Override
    public void close() {
        if (candidate != null) {
            candidate.trainer().close();
        }
    }

    /** Exponentially weighted quality of a map over about {@link #QUALITY_WINDOW} recent fresh images. */
    static final class Quality {
        private double qe = Double.NaN;
        private double te = Double.NaN;
        private double weight;

        void add(long[] bmus, long[] second, float[] distances, int n, SomGrid grid) {
            for (int i = 0; i < n; i++) {
                double e = grid.adjacent((int) bmus[i], (int) second[i]) ? 0 : 1;
                double a = Math.max(1 / QUALITY_WINDOW, 1 / (weight + 1));
                qe = Double.isNaN(qe) ? distances[i] : qe + a * (distances[i] - qe);
                te = Double.isNaN(te) ? e : te + a * (e - te);
                weight++;
            }
        }

        boolean ready() {
            return weight >= QUALITY_WINDOW / 2;
        }

        double qe() {
            return qe;
        }

        double te() {
            return te;
        }
    }
}
