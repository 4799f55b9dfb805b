package io.vitsom.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class ProduceMonitorTest {

    @Test
    void aFailedSendIsCountedAndReportedUntilASendToTheSameTopicSucceeds() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ProduceMonitor monitor = new ProduceMonitor(new LearnerMetrics(registry));
        assertThat(monitor.problem()).isEmpty();

        monitor.callback("som.models").onCompletion(null, new TimeoutException("Expiring 1 record(s)"));
        monitor.callback("som.training").onCompletion(null, null);

        assertThat(monitor.problem()).get().asString().startsWith("som.models: ")
                .contains("Expiring 1 record(s)");
        assertThat(registry.get("vitsom_learner_produce_failures").tag("topic", "som.models").counter().count())
                .isEqualTo(1);

        monitor.callback("som.models").onCompletion(null, null);
        assertThat(monitor.problem()).isEmpty();
    }

    @Test
    void aLearnerWithAProduceProblemIsDownInItsHealth() {
        // health() reads the learner's state and its problem; a NEW learner is DOWN anyway, so check the wording.
        OnlineLearner learner = new OnlineLearner(LearnerTesting.config("127.0.0.1:1", java.nio.file.Path.of(
                "unused"), 1), new LearnerMetrics(new SimpleMeterRegistry()));
        assertThat(LearnCommand.health(learner).getString("status")).isEqualTo("DOWN");
        assertThat(LearnCommand.health(learner).containsKey("problem")).isFalse();
    }
}
