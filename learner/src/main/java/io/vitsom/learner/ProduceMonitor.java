package io.vitsom.learner;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every record the learner produces. Without a callback a send that the producer gives up on (delivery
 * timeout, authorization, a record too large) is lost without a trace; here each failure is counted by topic, logged,
 * and makes the learner unhealthy until a later send to the same kind of output succeeds.
 *
 * <p>Callbacks run on the producer's I/O thread; the state is read by the health endpoint's thread.
 */
final class ProduceMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(ProduceMonitor.class);

    private final LearnerMetrics metrics;
    private final AtomicReference<String> problem = new AtomicReference<>();

    ProduceMonitor(LearnerMetrics metrics) {
        this.metrics = metrics;
    }

    /** The callback for one send to {@code topic}. */
    Callback callback(String topic) {
        return (metadata, exception) -> {
            if (exception == null) {
                problem.updateAndGet(p -> p != null && p.startsWith(topic + ":") ? null : p);
                return;
            }
            metrics.produceFailed(topic);
            String description = topic + ": " + exception + " at " + Instant.now();
            if (problem.getAndSet(description) == null) {
                LOG.error("producing to {} failed: {}", topic, exception.toString());
            }
        };
    }

    /** The last produce failure, while no later send to that topic has succeeded. */
    Optional<String> problem() {
        return Optional.ofNullable(problem.get());
    }
}
