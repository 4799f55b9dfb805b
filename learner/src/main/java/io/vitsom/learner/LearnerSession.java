package io.vitsom.learner;

import io.vitsom.model.adapt.ContinualTrainer;
import io.vitsom.model.map.MapTrainer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Mutable training state of one run of the learner loop: the trainer, the offsets the checkpoints vouch for, and what
 * was published last. Confined to the learner thread; its parts read and write it directly.
 */
final class LearnerSession {
    /** The live map and everything that keeps it learning (reservoir, detectors, plasticity, shadow map). */
    final ContinualTrainer learner;
    final Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
    final Map<TopicPartition, Long> rangeStart = new LinkedHashMap<>();
    final Map<TopicPartition, Long> pendingOffsets = new LinkedHashMap<>();
    /** Records per partition deleted by retention before they were read, skipped by policy (cumulative). */
    final Map<TopicPartition, Long> retentionSkipped = new LinkedHashMap<>();
    long version;
    long parentVersion;
    long imagesTrained;
    long stepsSinceCheckpoint;
    long lastCheckpoint = System.nanoTime();
    /** Prototypes of the last published version ({@code [units, dim]}), null before the first. */
    float[] publishedPrototypes;

    LearnerSession(ContinualTrainer learner, long version) {
        this.learner = learner;
        this.version = version;
    }

    /** The live map's trainer; another one after a promotion, so never keep it across steps. */
    MapTrainer trainer() {
        return learner.live();
    }

    boolean checkpointDue(LearnerOptions c) {
        if (stepsSinceCheckpoint == 0) {
            return false;
        }
        boolean bySteps = c.checkpointEverySteps() > 0 && stepsSinceCheckpoint >= c.checkpointEverySteps();
        boolean byTime = !c.checkpointEvery().isZero()
                && System.nanoTime() - lastCheckpoint >= c.checkpointEvery().toNanos();
        return bySteps || byTime;
    }
}
