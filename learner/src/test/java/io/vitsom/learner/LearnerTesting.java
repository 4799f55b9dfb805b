package io.vitsom.learner;

import io.vitsom.model.adapt.AdaptationConfig;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Learner settings for tests: the tiny model, frequent checkpoints, short batch timeout, and every part of continual
 * learning that touches records or checkpoints switched on (rehearsal, quarantine after 64 images, a shadow map), so
 * the exactly-once and checkpoint tests hold with them.
 */
final class LearnerTesting {
    private LearnerTesting() {
    }

    static LearnerConfig config(String bootstrap, Path checkpoints, long everySteps) {
        VitSomConfig model = Fixtures.tinyConfig();
        return new LearnerConfig(model, KafkaClients.of(bootstrap), Topics.defaults(), LearnerConfig.DEFAULT_GROUP,
                checkpoints, new LearnerOptions(everySteps, Duration.ZERO, 2, 2_000, Duration.ofMillis(300), 0, "cpu",
                        Optional.empty(), false, LearnerOptions.RetentionGapPolicy.FAIL, adaptation()), true);
    }

    /** The defaults plus quarantine (warm after 64 images) and a shadow map from the start. */
    static AdaptationConfig adaptation() {
        AdaptationConfig d = AdaptationConfig.defaults();
        return d.with(d.quarantine().withEnabled(true).withWarmup(64))
                .with(new AdaptationConfig.Shadow(true, false, false, d.shadow().minImages(), d.shadow().margin()));
    }
}
