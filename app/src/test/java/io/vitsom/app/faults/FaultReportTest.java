package io.vitsom.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The layout of {@code faults.json}: every field, in order, each from its own number of the run or the audit. */
class FaultReportTest {
    @Test
    void laysOutTheRunsTallyAndTheAuditsFindingsFieldByField() {
        FaultAudit.Version kept = new FaultAudit.Version(1, null, 10, Map.of(0, 5L), Map.of(0, new long[] {0, 5}),
                null);
        FaultAudit.Version corrupt = new FaultAudit.Version(2, "params/x.npy fails its SHA-256 checksum", 20,
                Map.of(0, 9L), Map.of(0, new long[] {5, 9}), null);
        FaultAudit.Findings findings = new FaultAudit.Findings(List.of(kept, corrupt), List.of(kept), 40,
                new FaultAudit.Coverage(37, 14, 15), new FaultAudit.Completeness(16, 17), List.of(1L, 2L, 3L), true,
                5);
        FaultReport.Tally tally = new FaultReport.Tally(42, 400, 12.3, 6, 7, 8, 9, 10, 11, 12, 13);

        assertThat(FaultReport.json(tally, findings).toString()).isEqualTo("{\"kills\":6,\"broker_restarts\":9,"
                + "\"serving_failovers\":10,\"corrupt_checkpoints_detected\":13,\"records_in\":40,"
                + "\"records_trained_exactly_once\":37,\"records_lost\":14,\"records_trained_twice\":15,"
                + "\"assignments_missing\":16,\"assignment_duplicates\":17,\"versions_monotonic\":true,\"seed\":42,"
                + "\"images_replayed\":400,\"kills_aimed_at_checkpoint_writes\":7,\"kills_during_checkpoint_write\":8,"
                + "\"incomplete_writes_removed_on_restart\":5,\"corrupt_checkpoints_injected\":12,"
                + "\"learner_starts\":11,\"checkpoint_versions_on_disk\":2,\"lineage_versions\":1,"
                + "\"models_published\":3,\"seconds\":12.3}");
    }
}
