package io.vitsom.app.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The plan of a {@code bench-faults} run: how each learner SIGKILL is aimed, before which kill the broker restarts and
 * a serving instance is killed, and from which kill on the checkpoints may be corrupted. Drawn before anything runs,
 * so that a seed names the plan whatever the timing of the processes. Kills are numbered from 0.
 *
 * @param brokerRestartAt the kill before which the broker is restarted
 * @param servingKillAt the kill before which one of the serving instances is SIGKILLed
 * @param corruptFrom the first kill after which checkpoints are corrupted (once, when enough valid ones exist)
 * @param kills the learner kills, in order
 */
record FaultSchedule(int brokerRestartAt, int servingKillAt, int corruptFrom, List<Kill> kills) {

    /**
     * How one learner kill is aimed.
     *
     * @param intoWrite kill as soon as a checkpoint write begins, rather than after a delay
     * @param delayMs for a kill not aimed into a write: milliseconds after the learner's first checkpoint since its
     *     start (drawn for every kill, so that the draws that follow do not depend on the aim)
     */
    record Kill(boolean intoWrite, int delayMs) {
        Kill {
            if (delayMs < 0) {
                throw new IllegalArgumentException("a kill delay must not be negative, got " + delayMs);
            }
        }
    }

    FaultSchedule {
        kills = List.copyOf(Objects.requireNonNull(kills, "kills"));
        if (kills.isEmpty()) {
            throw new IllegalArgumentException("a fault schedule needs at least one kill");
        }
        Objects.checkIndex(brokerRestartAt, kills.size());
        Objects.checkIndex(servingKillAt, kills.size());
        Objects.checkIndex(corruptFrom, kills.size());
    }

    /**
     * Draws the plan of {@code kills} learner kills: the broker restart and the serving kill each before a uniformly
     * chosen kill, every kill aimed into a write or not by a fair coin with a delay uniform in
     * {@code [0, maxKillDelayMs)}, and corruption allowed from the middle kill on. The draws come from
     * {@code random} in this order (broker, serving, then coin and delay per kill); the run goes on drawing from the
     * same generator, so changing the order changes what a seed names.
     *
     * @param kills at least 1
     * @param maxKillDelayMs at least 1
     */
    static FaultSchedule draw(Random random, int kills, int maxKillDelayMs) {
        int brokerRestartAt = random.nextInt(kills);
        int servingKillAt = random.nextInt(kills);
        List<Kill> plan = new ArrayList<>(kills);
        for (int i = 0; i < kills; i++) {
            boolean intoWrite = random.nextBoolean();
            plan.add(new Kill(intoWrite, random.nextInt(maxKillDelayMs)));
        }
        return new FaultSchedule(brokerRestartAt, servingKillAt, kills / 2, plan);
    }

    /** Whether the broker restarts before kill {@code kill}. */
    boolean restartsBrokerBefore(int kill) {
        return kill == brokerRestartAt;
    }

    /** Whether a serving instance is killed before kill {@code kill}. */
    boolean killsServingBefore(int kill) {
        return kill == servingKillAt;
    }

    /** Whether checkpoints may be corrupted after kill {@code kill}, when they were not yet. */
    boolean mayCorruptAfter(int kill) {
        return kill >= corruptFrom;
    }
}
