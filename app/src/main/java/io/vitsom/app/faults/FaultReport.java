package io.vitsom.app.faults;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@code faults.json}, the run's counts and the audit's findings, and {@code faults.md}: its numbers, what they mean,
 * and the faults as they happened.
 */
final class FaultReport {
    private FaultReport() {
    }

    /**
     * What the run itself counted, beside what the audit found.
     *
     * @param seed the fault schedule's seed
     * @param imagesReplayed images the replay sent
     * @param seconds the run's duration, to a tenth of a second
     * @param kills learner SIGKILLs
     * @param killsAimedAtWrites of them, those aimed at a checkpoint write
     * @param killsDuringWrite of them, those that left an incomplete write behind
     * @param brokerRestarts broker restarts
     * @param servingFailovers serving instances SIGKILLed
     * @param learnerStarts learner starts, the first included
     * @param corruptInjected checkpoint versions corrupted
     * @param corruptDetected of them, those detected ({@link CheckpointCorruptor#detected})
     */
    record Tally(long seed, long imagesReplayed, double seconds, int kills, int killsAimedAtWrites,
                 int killsDuringWrite, int brokerRestarts, int servingFailovers, int learnerStarts,
                 int corruptInjected, long corruptDetected) {
    }

    /** The fields of {@code faults.json}, in their order (the headline numbers first). */
    static ObjectNode json(Tally t, FaultAudit.Findings f) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("kills", t.kills());
        r.put("broker_restarts", t.brokerRestarts());
        r.put("serving_failovers", t.servingFailovers());
        r.put("corrupt_checkpoints_detected", t.corruptDetected());
        r.put("records_in", f.recordsIn());
        r.put("records_trained_exactly_once", f.coverage().exactlyOnce());
        r.put("records_lost", f.coverage().lost());
        r.put("records_trained_twice", f.coverage().twice());
        r.put("assignments_missing", f.completeness().missing());
        r.put("assignment_duplicates", f.completeness().duplicates());
        r.put("versions_monotonic", f.monotonic());
        r.put("seed", t.seed());
        r.put("images_replayed", t.imagesReplayed());
        r.put("kills_aimed_at_checkpoint_writes", t.killsAimedAtWrites());
        r.put("kills_during_checkpoint_write", t.killsDuringWrite());
        r.put("incomplete_writes_removed_on_restart", f.incompleteWritesRemoved());
        r.put("corrupt_checkpoints_injected", t.corruptInjected());
        r.put("learner_starts", t.learnerStarts());
        r.put("checkpoint_versions_on_disk", f.versions().size());
        r.put("lineage_versions", f.lineage().size());
        r.put("models_published", f.published().size());
        r.put("seconds", t.seconds());
        return r;
    }

    static String markdown(ObjectNode r, List<String> events, double rate, long checkpointEverySteps,
                           int maxKillDelayMs) {
        StringBuilder md = new StringBuilder("# bench-faults\n\n");
        md.append(String.format("Seed %d (`--seed %d` repeats the schedule). %d images replayed at %s images/s "
                        + "through the embedded broker, validation, the learner (checkpoint every %d step(s)) and two "
                        + "serving instances; %.1f s.%n%n", r.path("seed").asLong(), r.path("seed").asLong(),
                r.path("images_replayed").asLong(), rate, checkpointEverySteps, r.path("seconds").asDouble()));
        md.append("| | |\n| --- | --- |\n");
        row(md, "learner SIGKILLs", r, "kills");
        row(md, "... aimed at a checkpoint write (killed when its temporary directory appeared)", r,
                "kills_aimed_at_checkpoint_writes");
        row(md, "... that left an incomplete write behind (landed inside a write)", r, "kills_during_checkpoint_write");
        row(md, "incomplete writes the restarted learner removed (its log)", r, "incomplete_writes_removed_on_restart");
        row(md, "broker restarts", r, "broker_restarts");
        row(md, "serving failovers (one of two instances SIGKILLed)", r, "serving_failovers");
        row(md, "corrupt checkpoints injected (one truncated, one bit flipped)", r, "corrupt_checkpoints_injected");
        row(md, "corrupt checkpoints detected (skipped by the learner and failing verification)", r,
                "corrupt_checkpoints_detected");
        row(md, "records in `images.valid`", r, "records_in");
        row(md, "records trained exactly once in the surviving lineage", r, "records_trained_exactly_once");
        row(md, "records lost (in no checkpoint range)", r, "records_lost");
        row(md, "records trained twice (in two ranges)", r, "records_trained_twice");
        row(md, "keys of `images.valid` without an assignment", r, "assignments_missing");
        row(md, "duplicate assignments (at-least-once serving after failover/restart)", r, "assignment_duplicates");
        row(md, "model versions only went forward (`som.models`, lineage versions and steps)", r, "versions_monotonic");
        row(md, "learner starts", r, "learner_starts");
        md.append("| checkpoint versions on disk / in the surviving lineage (`checkpoint_versions_on_disk` / "
                + "`lineage_versions`) | ").append(r.path("checkpoint_versions_on_disk").asLong()).append(" / ")
                .append(r.path("lineage_versions").asLong()).append(" |\n");
        row(md, "model records on `som.models`", r, "models_published");
        md.append(String.format("%nHow: exactly-once is read from the checkpoints alone. The lineage of the newest "
                + "valid checkpoint is followed back (previous version of the same training session, else the "
                + "version it resumed from); the `[from, to)` offset ranges of its versions are laid over every "
                + "offset of `images.valid`: covered once is trained exactly once, never is lost, twice or more is "
                + "trained twice. Completeness compares the keys of `images.valid` with those of "
                + "`som.assignments`. Kills alternate by the seed between a delay of 0-%d ms after the learner's "
                + "first checkpoint since its start, and a kill as soon as a checkpoint's temporary directory "
                + "appears (polled every ms): whether that landed inside the write is known afterwards from the "
                + "temporary directory it left behind. The corruption hits the two newest valid versions while "
                + "the learner is stopped, once at least three exist.%n%n## Faults as they happened%n%n```%n",
                maxKillDelayMs));
        events.forEach(e -> md.append(e).append('\n'));
        md.append("```\n");
        return md.toString();
    }

    private static void row(StringBuilder md, String what, ObjectNode r, String field) {
        md.append("| ").append(what).append(" (`").append(field).append("`) | ").append(r.path(field).asText())
                .append(" |\n");
    }
}
