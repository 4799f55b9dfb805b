package io.vitsom.learner;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.adapt.ContinualTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a learner starts: from the newest checkpoint of its store that loads (model, optimizer, offsets, provenance),
 * else from {@code --init-from}, else from a fresh seeded model; and never fresh over versions of which none loads
 * unless {@link LearnerOptions#allowFreshStart()}.
 */
final class CheckpointRestorer {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointRestorer.class);

    private final LearnerConfig config;
    private final CheckpointStore store;

    CheckpointRestorer(LearnerConfig config, CheckpointStore store) {
        this.config = config;
        this.store = store;
    }

    /** The session to train on; the caller holds the store's lock. */
    LearnerSession restoreOrCreate(NDManager manager) throws IOException {
        MapModelConfig m = config.model();
        int incomplete = store.removeIncomplete();
        if (incomplete > 0) {
            LOG.info("removed {} incomplete checkpoint write(s) left by an earlier crash in {}", incomplete, store.dir());
        }
        List<String> unreadable = new ArrayList<>();
        Optional<CheckpointStore.Found> found = store.loadNewestValid(manager, unreadable);
        if (found.isPresent()) {
            Checkpoint.Loaded loaded = found.get().checkpoint();
            if (!loaded.config().sameNetwork(m)) {
                throw new IllegalArgumentException("checkpoint " + store.path(found.get().version())
                        + " holds a model of another architecture than the config; use another --checkpoint-dir");
            }
            ContinualTrainer learner = continual(loaded.model(), manager);
            loaded.restore(learner.live());
            learner.restore(loaded.dir());
            LearnerSession s = new LearnerSession(learner, found.get().version());
            JsonNode p = loaded.metadata().provenance();
            p.path("offsets").properties().forEach(e -> s.offsets.put(parse(e.getKey()), e.getValue().asLong()));
            s.rangeStart.putAll(s.offsets);
            s.imagesTrained = p.path("images_trained").asLong();
            p.path("retention_skipped").properties()
                    .forEach(e -> s.retentionSkipped.put(parse(e.getKey()), e.getValue().asLong()));
            s.parentVersion = found.get().version();
            // The version published from this checkpoint is the one the next version's drift is measured from.
            s.publishedPrototypes = loaded.model().prototypes();
            LOG.info("resuming from checkpoint {} (step {}, {} images)", store.path(found.get().version()),
                    loaded.metadata().step(), s.imagesTrained);
            return s;
        }
        if (!unreadable.isEmpty() && !config.options().allowFreshStart()) {
            // Starting fresh here would publish a new model as the newest version and later prune the good ones
            // that, say, a permission fix would make readable again.
            throw new IllegalStateException("the checkpoint directory " + store.dir() + " holds " + unreadable.size()
                    + " version(s) and none loads (" + String.join("; ", unreadable) + "); fix or move them, or "
                    + "pass --allow-fresh-start to start a fresh model beside them");
        }
        if (config.options().initFrom().isPresent()) {
            return warmStart(config.options().initFrom().get(), manager);
        }
        Engine.getInstance().setRandomSeed((int) config.options().seed());
        MapModel model = MapModels.create(m, manager);
        LOG.info("no checkpoint in {}: starting a fresh model (seed {})", store.dir(), config.options().seed());
        return new LearnerSession(continual(model, manager), 0);
    }

    private ContinualTrainer continual(MapModel model, NDManager manager) {
        LearnerOptions o = config.options();
        return new ContinualTrainer(model, manager, o.adaptation(), o.horizonImages(), o.seed());
    }

    /**
     * Starts from a checkpoint outside the store (e.g. an offline bench model). Its step count is kept, so the
     * schedules continue where that training left them instead of re-heating the map; without optimizer state
     * AdamW starts fresh. No offsets: the input is read from the beginning.
     */
    private LearnerSession warmStart(Path from, NDManager manager) throws IOException {
        Checkpoint.Loaded loaded = Checkpoint.load(from, manager);
        if (!loaded.config().sameNetwork(config.model())) {
            throw new IllegalArgumentException("--init-from " + from + " holds a model of another architecture than "
                    + "the config");
        }
        ContinualTrainer learner = continual(loaded.model(), manager);
        if (loaded.moments().isEmpty()) {
            learner.live().setStepCount(loaded.metadata().step());
        } else {
            loaded.restore(learner.live());
        }
        LearnerSession s = new LearnerSession(learner, 0);
        s.publishedPrototypes = loaded.model().prototypes();
        LOG.info("no checkpoint in {}: starting from {} (step {}{})", store.dir(), from, loaded.metadata().step(),
                loaded.moments().isEmpty() ? ", no optimizer state: AdamW starts fresh" : "");
        return s;
    }

    /** {@code topic-3} as written in checkpoints' provenance. */
    static TopicPartition parse(String topicPartition) {
        int dash = topicPartition.lastIndexOf('-');
        if (dash <= 0) {
            throw new IllegalArgumentException("not a topic-partition: " + topicPartition);
        }
        return new TopicPartition(topicPartition.substring(0, dash),
                Integer.parseInt(topicPartition.substring(dash + 1)));
    }
}
