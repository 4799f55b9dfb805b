package io.vitsom.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DashboardStateTest {

    @Test
    void keepsTheNewestPrototypePerUnit() {
        DashboardState state = Samples.filled();
        long revision = state.prototypesRevision();
        state.onPrototype(Samples.prototype(2, 3));
        state.onPrototype(Samples.prototype(2, 2)); // older than what the unit holds: ignored
        assertThat(state.prototypesRevision()).isEqualTo(revision + 1);
        assertThat(state.prototypes().orElseThrow().byUnit()[2].modelVersion()).isEqualTo(3);
        assertThat(state.prototypes().orElseThrow().byUnit()[1].modelVersion()).isEqualTo(1);
    }

    @Test
    void modelHistoryIsNewestFirstAndBounded() {
        DashboardState state = new DashboardState(Samples.config());
        for (long v = 1; v <= 60; v++) {
            state.onModel(Samples.model(v, null, null));
        }
        state.onModel(Samples.model(30, null, null)); // a late duplicate changes nothing
        assertThat(state.models()).hasSize(50);
        assertThat(state.models().get(0).version()).isEqualTo(60);
        assertThat(state.models().get(49).version()).isEqualTo(11);
    }

    @Test
    void aModelWithAnotherMapStartsANewWindowAndDropsOlderPrototypes() {
        DashboardState state = Samples.filled();
        assertThat(state.window().orElseThrow().snapshot().images()).isEqualTo(6);
        state.onModel(new DashboardState.ModelEntry(2, 10, 1280, "/c/v2", "t", Map.of(), 4, 4, "hexagonal", null,
                null));
        assertThat(state.grid().orElseThrow().units()).isEqualTo(16);
        assertThat(state.window().orElseThrow().snapshot().images()).isZero();
        assertThat(state.prototypes()).as("v1 prototypes belong to the old map").isEmpty();
        // The same geometry again (a newer version of the same map) keeps the window.
        state.onAssignment(Samples.assignment("a", 7, null, 0, 1));
        state.onModel(new DashboardState.ModelEntry(3, 15, 1920, "/c/v3", "t", Map.of(), 4, 4, "hexa", null, null));
        assertThat(state.window().orElseThrow().snapshot().images()).isEqualTo(1);
    }

    @Test
    void assignmentsReadBeforeTheFirstModelEnterTheWindowOnceTheMapIsKnown() {
        DashboardState state = new DashboardState(Samples.config());
        state.onAssignment(Samples.assignment("early-1", 1, "0", 0, 1));
        state.onAssignment(Samples.assignment("early-2", 2, "0", 0, 1));
        assertThat(state.window()).isEmpty();
        state.onModel(Samples.model(1, null, null));
        assertThat(state.window().orElseThrow().snapshot().hits()).containsExactly(0, 1, 1, 0, 0, 0);
    }

    @Test
    void liveListIsBoundedNewestFirstAndOffMapUnitsAreRejected() {
        DashboardState state = Samples.filled();
        for (int i = 0; i < 30; i++) {
            state.onAssignment(Samples.assignment("k" + i, i % Samples.UNITS, null, i, i + 5));
        }
        assertThat(state.recentAssignments()).hasSize(20);
        assertThat(state.recentAssignments().get(0).key()).isEqualTo("k29");
        assertThat(state.recentAssignments().get(0).latencyMillis()).isEqualTo(5);
        assertThat(state.onAssignment(Samples.assignment("off", 99, null, 0, 0))).isFalse();
        assertThat(state.counts()).isEqualTo(new DashboardState.Counts(37, 1));
    }

    @Test
    void historyIsBoundedAndEmptyWindowsAreNotSampled() {
        DashboardConfig config = DashboardConfig.defaults(KafkaClients.of("h:1"), Topics.defaults());
        config = new DashboardConfig(config.host(), config.port(), config.clients(), config.topics(), 10,
                config.distance(), config.sampleEvery(), 3, config.pushEvery(), config.lagEvery(),
                config.liveAssignments(), config.modelHistory(), config.groups(), config.links());
        DashboardState state = new DashboardState(config);
        assertThat(state.sample(1)).isEmpty(); // no map yet
        state.onModel(Samples.model(1, null, null));
        assertThat(state.sample(2)).isEmpty(); // empty window
        state.onAssignment(Samples.assignment("a", 0, "x", 0, 0));
        for (long t = 10; t < 15; t++) {
            assertThat(state.sample(t)).isPresent();
        }
        assertThat(state.history()).extracting(DashboardState.Sample::time).containsExactly(12L, 13L, 14L);
        assertThat(state.latestSample().orElseThrow().images()).isEqualTo(1);
    }

    @Test
    void eventTimesAreIsoInstantsOrOffsetsElseTheRecordTimestamp() {
        assertThat(KafkaFeedVerticle.epochMillis("1970-01-01T00:00:01.5Z", -1)).isEqualTo(1_500);
        assertThat(KafkaFeedVerticle.epochMillis("1970-01-01T01:00:02+01:00", -1)).isEqualTo(2_000);
        assertThat(KafkaFeedVerticle.epochMillis("yesterday", 42)).isEqualTo(42);
    }

    @Test
    void lagIsEndMinusCommittedOrMinusTheStartWhenNothingIsCommitted() {
        TopicPartition p0 = new TopicPartition("images.valid", 0);
        TopicPartition p1 = new TopicPartition("images.valid", 1);
        Map<TopicPartition, ListOffsetsResultInfo> ends = Map.of(p0, info(100), p1, info(50));
        Map<TopicPartition, ListOffsetsResultInfo> starts = Map.of(p0, info(0), p1, info(10));
        DashboardState.GroupLag learner = ConsumerLagVerticle.lag("vitsom-learner", List.of(p0, p1), ends, starts,
                Map.of(p0, new OffsetAndMetadata(40)));
        assertThat(learner.total()).isEqualTo(60 + 40);
        assertThat(learner.partitions()).containsExactly(new DashboardState.PartitionLag(0, 100, 40L, 60),
                new DashboardState.PartitionLag(1, 50, null, 40));
        // A committed offset that retention already deleted counts from the start.
        DashboardState.GroupLag behind = ConsumerLagVerticle.lag("g", List.of(p1), ends, starts,
                Map.of(p1, new OffsetAndMetadata(3)));
        assertThat(behind.total()).isEqualTo(40);
    }

    private static ListOffsetsResultInfo info(long offset) {
        return new ListOffsetsResultInfo(offset, -1, Optional.empty());
    }

    @Test
    void smallNumericLabelsKeepTheirColourOthersAreOrderedByName() {
        MapRenderer.LabelIndex digits = MapRenderer.LabelIndex.of(new String[] {"7", null, "3", "7"});
        assertThat(digits.numClasses()).isEqualTo(8);
        assertThat(digits.id("3")).isEqualTo(3);
        assertThat(digits.names()).isEmpty();
        MapRenderer.LabelIndex names = MapRenderer.LabelIndex.of(new String[] {"shirt", "bag", null, "7"});
        assertThat(names.names()).containsExactly("7", "bag", "shirt");
        assertThat(names.id("shirt")).isEqualTo(2);
        assertThat(MapRenderer.LabelIndex.of(new String[] {null}).numClasses()).isZero();
        assertThat(MapRenderer.LabelIndex.of(new String[] {"123"}).names()).containsExactly("123");
    }
}
