package io.vitsom.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Objects;

/**
 * The run of a benchmark that a stop (SIGTERM, Ctrl-C; {@link io.vitsom.model.train.StopSignal}) interrupted. The
 * result files list it beside the finished runs, marked incomplete and never averaged with them: a partial run has
 * no final metrics, and its numbers must not pass for a finished run's.
 *
 * @param seed the run's seed
 * @param epochsPlanned epochs the run was to train
 * @param epochsDone complete epochs when the stop came, or -1 where the trainer does not report them (DESOM,
 *     SOM-VAE)
 * @param stage {@code "start"} (the stop came between runs), {@code "training"} or {@code "evaluation"}
 * @param reason why it stopped
 */
public record InterruptedRun(long seed, int epochsPlanned, int epochsDone, String stage, String reason) {
    public InterruptedRun {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(reason, "reason");
    }

    /** The {@code interrupted_run} object of the result files. */
    public void writeTo(ObjectNode o) {
        o.put("seed", seed);
        o.put("incomplete", true);
        o.put("stage", stage);
        o.put("epochs_planned", epochsPlanned);
        if (epochsDone < 0) {
            o.putNull("epochs_done");
        } else {
            o.put("epochs_done", epochsDone);
        }
        o.put("reason", reason);
    }

    /** Where the stop came, as words. */
    public String when() {
        return stage.equals("start") ? "before it started" : "during " + stage;
    }

    /** One Markdown paragraph saying what was interrupted. */
    public String markdown(int finishedRuns) {
        String done = epochsDone < 0 ? "" : String.format(Locale.ROOT, " after %d of %d epoch(s)", epochsDone,
                epochsPlanned);
        return String.format(Locale.ROOT, "**Incomplete** (%s): the run with seed %d was interrupted %s%s and "
                        + "is not in the table; %d run(s) finished%s.%n%n", reason, seed, when(), done, finishedRuns,
                finishedRuns == 0 ? ", so there are no metrics" : " and are shown");
    }
}
