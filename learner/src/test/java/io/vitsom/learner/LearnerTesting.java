package io.vitsom.learner;

import io.vitsom.model.config.VitSomConfig;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Learner settings for tests: the tiny model, frequent checkpoints, short batch timeout. */
final class LearnerTesting {
    private LearnerTesting() {
    }

    static LearnerConfig config(String bootstrap, Path checkpoints, long everySteps) {
        VitSomConfig model = Fixtures.tinyConfig();
        return new LearnerConfig(model, KafkaClients.of(bootstrap), Topics.defaults(), LearnerConfig.DEFAULT_GROUP,
                checkpoints, new LearnerOptions(everySteps, Duration.ZERO, 2, 2_000, Duration.ofMillis(300), 0, "cpu",
                        Optional.empty()), true);
    }
}
