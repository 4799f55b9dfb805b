package io.vitsom.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit's lineage and coverage rules on hand-made checkpoint histories (one input partition). */
class FaultAuditTest {
    private static FaultAudit.Version v(long version, long from, long to, Long resumedFrom) {
        return new FaultAudit.Version(version, null, version * 10, Map.of(0, to), Map.of(0, new long[] {from, to}),
                resumedFrom);
    }

    private static FaultAudit.Version corrupt(long version, long from, long to, Long resumedFrom) {
        return new FaultAudit.Version(version, "params/x.npy fails its SHA-256 checksum", version * 10, Map.of(0, to),
                Map.of(0, new long[] {from, to}), resumedFrom);
    }

    @Test
    void followsSessionsBackThroughResumesAndAroundCorruptVersions() {
        // Fresh session: v1, v2; killed; resumed from v2: v3, v4 (both corrupted later); resumed from v2 again: v5.
        List<FaultAudit.Version> history = List.of(v(1, 0, 10, null), v(2, 10, 20, null), corrupt(3, 20, 30, 2L),
                corrupt(4, 30, 40, 2L), v(5, 20, 45, 2L));

        List<FaultAudit.Version> lineage = FaultAudit.lineage(history);

        assertThat(lineage).extracting(FaultAudit.Version::version).containsExactly(1L, 2L, 5L);
        assertThat(FaultAudit.coverage(lineage, Map.of(0, 0L), Map.of(0, 45L)))
                .isEqualTo(new FaultAudit.Coverage(45, 0, 0));
    }

    @Test
    void countsGapsAndOverlapsOfTheRanges() {
        // v2 claims [5, 20) after v1's [0, 10): [5, 10) twice, [0, 5) and [10, 20) once, [20, 25) never.
        List<FaultAudit.Version> lineage = FaultAudit.lineage(List.of(v(1, 0, 10, null), v(2, 5, 20, null)));

        assertThat(FaultAudit.coverage(lineage, Map.of(0, 0L), Map.of(0, 25L)))
                .isEqualTo(new FaultAudit.Coverage(15, 5, 5));
    }

    @Test
    void countsMissingKeysAndDuplicateAssignments() {
        assertThat(FaultAudit.completeness(List.of("a", "b", "c", "c"), List.of("a", "a", "a", "c")))
                .isEqualTo(new FaultAudit.Completeness(1, 2));
    }

    @Test
    void publishedVersionsMustOnlyGoForward() {
        assertThat(FaultAudit.increasing(List.of(1L, 2L, 5L))).isTrue();
        assertThat(FaultAudit.increasing(List.of(1L, 3L, 2L))).isFalse();
        assertThat(FaultAudit.nonDecreasing(List.of(10L, 10L, 20L))).isTrue();
    }

    /** A version that only matters for its number and step. */
    private static FaultAudit.Version at(long version, long step) {
        return new FaultAudit.Version(version, null, step, Map.of(), Map.of(), null);
    }

    @Test
    void theModelGoesForwardWhenVersionsRiseAndLineageStepsDoNotFall() {
        // v3 at v2's step: a final checkpoint of DLQ offsets only.
        List<FaultAudit.Version> lineage = List.of(at(1, 10), at(2, 20), at(3, 20));

        assertThat(FaultAudit.monotonic(List.of(1L, 2L, 3L), lineage)).isTrue();
        assertThat(FaultAudit.monotonic(List.of(2L, 1L), lineage)).as("published out of order").isFalse();
        assertThat(FaultAudit.monotonic(List.of(), List.of(at(2, 10), at(1, 20)))).as("lineage versions back")
                .isFalse();
        assertThat(FaultAudit.monotonic(List.of(), List.of(at(1, 10), at(2, 20), at(3, 15)))).as("a step back")
                .isFalse();
    }

    @Test
    void countsTheRecordsBetweenTheBeginningAndEndOffsets() {
        // Partition 0: [3, 10) is 7; partition 1 has no beginning offset: [0, 5) is 5.
        assertThat(FaultAudit.records(Map.of(0, 3L), Map.of(0, 10L, 1, 5L))).isEqualTo(12);
    }

    @Test
    void sumsTheIncompleteWritesALearnerLogReportsRemoved() {
        String log = "INFO CheckpointRestorer - removed 2 incomplete checkpoint write(s) left by an earlier crash\n"
                + "INFO LearnerMain - learner reading\n"
                + "INFO CheckpointRestorer - removed 1 incomplete checkpoint write(s) left by an earlier crash\n";

        assertThat(FaultAudit.incompleteWritesRemoved(log)).isEqualTo(3);
        assertThat(FaultAudit.incompleteWritesRemoved("INFO LearnerMain - learner reading\n")).isZero();
    }
}
