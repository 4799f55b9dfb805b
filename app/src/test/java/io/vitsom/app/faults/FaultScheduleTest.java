package io.vitsom.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {

    @Test
    void drawsBrokerThenServingThenCoinAndDelayPerKill() {
        Scripted random = new Scripted(2, 0, true, 17, false, 250, true, 0);

        FaultSchedule schedule = FaultSchedule.draw(random, 3, 300);

        assertThat(schedule).isEqualTo(new FaultSchedule(2, 0, 1, List.of(new FaultSchedule.Kill(true, 17),
                new FaultSchedule.Kill(false, 250), new FaultSchedule.Kill(true, 0))));
        assertThat(random.bounds).containsExactly(3, 3, 300, 300, 300);
        assertThat(random.answers).as("every scripted draw used, no more").isEmpty();
    }

    @Test
    void saysWhichFaultComesWhen() {
        FaultSchedule schedule = FaultSchedule.draw(new Scripted(3, 1, false, 5, false, 5, true, 5, true, 5, false, 5),
                5, 10);
        assertThat(schedule.corruptFrom()).as("5 / 2").isEqualTo(2);
        assertThat(List.of(0, 1, 2, 3, 4)).filteredOn(schedule::restartsBrokerBefore).containsExactly(3);
        assertThat(List.of(0, 1, 2, 3, 4)).filteredOn(schedule::killsServingBefore).containsExactly(1);
        assertThat(List.of(0, 1, 2, 3, 4)).filteredOn(schedule::mayCorruptAfter).containsExactly(2, 3, 4);
        // One kill: everything before and after it.
        FaultSchedule single = FaultSchedule.draw(new Scripted(0, 0, false, 9), 1, 10);
        assertThat(single.restartsBrokerBefore(0) && single.killsServingBefore(0) && single.mayCorruptAfter(0))
                .isTrue();
    }

    @Test
    void aSeedNamesOnePlan() {
        assertThat(FaultSchedule.draw(new Random(42), 20, 3000))
                .isEqualTo(FaultSchedule.draw(new Random(42), 20, 3000))
                .isNotEqualTo(FaultSchedule.draw(new Random(43), 20, 3000));
    }

    @Test
    void refusesAPlanThatPointsPastItsKills() {
        List<FaultSchedule.Kill> two = List.of(new FaultSchedule.Kill(true, 0), new FaultSchedule.Kill(false, 1));
        assertThatThrownBy(() -> new FaultSchedule(2, 0, 1, two)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new FaultSchedule(0, 0, 0, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one kill");
        assertThatThrownBy(() -> new FaultSchedule.Kill(false, -1)).hasMessageContaining("-1");
    }

    /** Answers {@code nextInt} and {@code nextBoolean} from a script, and records the bounds asked for. */
    private static final class Scripted extends Random {
        final Deque<Object> answers = new ArrayDeque<>();
        final List<Integer> bounds = new ArrayList<>();

        Scripted(Object... answers) {
            this.answers.addAll(List.of(answers));
        }

        @Override
        public int nextInt(int bound) {
            bounds.add(bound);
            int answer = (Integer) answers.removeFirst();
            assertThat(answer).as("scripted answer within the bound").isBetween(0, bound - 1);
            return answer;
        }

        @Override
        public boolean nextBoolean() {
            return (Boolean) answers.removeFirst();
        }
    }
}
