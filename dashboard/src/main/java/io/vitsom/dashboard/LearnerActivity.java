package io.vitsom.dashboard;

import io.vitsom.stream.Messages;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The learner's continual-learning side as the dashboard keeps it, part of {@link DashboardState}: the last
 * {@value #EVENTS_KEPT} events of {@code som.events} (drifts, shadow maps, novel images released, units re-seeded)
 * and the last {@value #LEARNING_KEPT} states of {@code som.learning} (one every ~10 s: about two hours), both as
 * they arrive. Both stay empty with a learner that does not publish them. Thread-safe: written by the feed thread,
 * read by the HTTP handlers, each method holding the lock only briefly.
 */
public final class LearnerActivity {
    /** Map events kept: the page's list and the markers on its charts. */
    public static final int EVENTS_KEPT = 200;
    /** Learning states kept: at the learner's ~10 s, two hours of plasticity and throughput. */
    public static final int LEARNING_KEPT = 720;

    /** Oldest first, as read (one partition: the order the learner published them). */
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private final ArrayDeque<Learning> learning = new ArrayDeque<>();

    /**
     * One record of {@code som.events}.
     *
     * @param id where it was read, {@code partition-offset}: unique on the topic, so the page can merge pushes that
     *     repeat events it already shows
     * @param time epoch milliseconds of {@link Messages.MapEvent#detectedAt()}, or the record's timestamp when that
     *     does not parse
     * @param event the event as published
     */
    public record Event(String id, long time, Messages.MapEvent event) {
        public Event {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * One record of {@code som.learning}.
     *
     * @param time epoch milliseconds of {@link Messages.LearningState#time()}, or the record's timestamp when that
     *     does not parse
     * @param state the state as published
     */
    public record Learning(long time, Messages.LearningState state) {
        public Learning {
            Objects.requireNonNull(state, "state");
        }
    }

    /** Keeps a map event, dropping the oldest beyond {@link #EVENTS_KEPT}. */
    public synchronized void onEvent(Event event) {
        events.addLast(Objects.requireNonNull(event, "event"));
        while (events.size() > EVENTS_KEPT) {
            events.removeFirst();
        }
    }

    /** Keeps a learning state, dropping the oldest beyond {@link #LEARNING_KEPT}. */
    public synchronized void onLearning(Learning state) {
        learning.addLast(Objects.requireNonNull(state, "state"));
        while (learning.size() > LEARNING_KEPT) {
            learning.removeFirst();
        }
    }

    /** The map events kept, newest first. */
    public synchronized List<Event> events() {
        List<Event> out = new ArrayList<>(events);
        Collections.reverse(out);
        return out;
    }

    /** The learning states kept, oldest first. */
    public synchronized List<Learning> learningHistory() {
        return List.copyOf(learning);
    }

    /** The newest learning state, if the learner published one. */
    public synchronized Optional<Learning> latestLearning() {
        return Optional.ofNullable(learning.peekLast());
    }
}
