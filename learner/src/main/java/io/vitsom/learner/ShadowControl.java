package io.vitsom.learner;

import io.vitsom.stream.Messages;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests from other threads (the status server's {@code POST /v1/shadow/start} and {@code /v1/shadow/promote},
 * behind {@code vitsom promote}) to start or promote the shadow map. The learner loop carries them out between
 * steps, so the trainers are only ever touched by the training thread; each request completes with a one-line
 * answer, or exceptionally with {@link IllegalStateException} when it cannot be done (no shadow map, learner stopped).
 */
public final class ShadowControl {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowControl.class);

    /** What can be asked. */
    public enum Action {
        /** Start a fresh candidate map (replacing a running one). */
        START,
        /** Swap the candidate and the live map. */
        PROMOTE
    }

    private record Request(Action action, CompletableFuture<String> done) {
    }

    private final Queue<Request> queue = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /** Queues a request; the future completes once the loop carried it out. */
    public CompletableFuture<String> request(Action action) {
        CompletableFuture<String> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("the learner has stopped"));
            return done;
        }
        queue.add(new Request(action, done));
        if (closed) {
            // The loop ended between the check and the add: nobody else will answer this request.
            fail(queue);
        }
        return done;
    }

    /** Carries out the queued requests (learner thread, between steps). */
    void serve(LearnerSession session, LearnerPublisher publisher) {
        Request r;
        while ((r = queue.poll()) != null) {
            try {
                String message = switch (r.action()) {
                    case START -> {
                        session.learner.startShadow();
                        yield "started a fresh shadow map at " + session.learner.freshImages() + " fresh images";
                    }
                    case PROMOTE -> {
                        session.learner.promote();
                        yield "promoted the shadow map; it serves from the next version";
                    }
                };
                LOG.info("{}", message);
                String type = r.action() == Action.START ? "shadow-started" : "shadow-promoted";
                publisher.event(event(type, null, session, message + " (requested)"));
                r.done().complete(message);
            } catch (IllegalStateException e) {
                r.done().completeExceptionally(e);
            }
        }
    }

    /** Refuses every queued and later request: the loop has ended. */
    void close() {
        closed = true;
        fail(queue);
    }

    private static void fail(Queue<Request> queue) {
        Request r;
        while ((r = queue.poll()) != null) {
            r.done().completeExceptionally(new IllegalStateException("the learner has stopped"));
        }
    }

    /** An event of the learner's own doing, stamped with its state now. */
    static Messages.MapEvent event(String type, Integer magnitude, LearnerSession session, String message) {
        return new Messages.MapEvent(type, null, null, magnitude == null ? null : magnitude.doubleValue(),
                Instant.now().toString(), session.learner.freshImages(), session.version, message);
    }
}
