package io.vitsom.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the dashboard keeps of som.events and som.learning. */
class LearnerActivityTest {

    @Test
    void eventsAndLearningStatesAreBoundedEventsNewestFirst() {
        LearnerActivity activity = new LearnerActivity();
        assertThat(activity.events()).isEmpty();
        assertThat(activity.latestLearning()).isEmpty();
        for (int k = 0; k < LearnerActivity.EVENTS_KEPT + 50; k++) {
            activity.onEvent(Samples.drift(k));
        }
        for (int t = 0; t < LearnerActivity.LEARNING_KEPT + 80; t++) {
            activity.onLearning(Samples.learning(1_000L * t, 0.5));
        }
        assertThat(activity.events()).hasSize(LearnerActivity.EVENTS_KEPT);
        assertThat(activity.events().get(0).id()).isEqualTo("0-" + (LearnerActivity.EVENTS_KEPT + 49));
        assertThat(activity.events().get(LearnerActivity.EVENTS_KEPT - 1).id()).isEqualTo("0-50");
        assertThat(activity.learningHistory()).hasSize(LearnerActivity.LEARNING_KEPT);
        assertThat(activity.learningHistory().get(0).time()).isEqualTo(80_000);
        assertThat(activity.latestLearning().orElseThrow().time())
                .isEqualTo(1_000L * (LearnerActivity.LEARNING_KEPT + 79));
    }
}
