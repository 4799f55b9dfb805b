package io.vitsom.ingest;

import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that the broker answers and creates the pipeline's missing topics before a service produces: otherwise the
 * broker would auto-create {@code images} with one partition on the first write, and an unreachable broker would
 * only show as a send timeout a minute later.
 */
final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    /** The default topics with the three image topics renamed. */
    static Topics renamed(String images, String valid, String deadLetters) {
        Topics defaults = Topics.defaults();
        return new Topics(defaults.images().withName(images), defaults.imagesValid().withName(valid),
                defaults.imagesDlq().withName(deadLetters), defaults.prototypes(), defaults.assignments(),
                defaults.training(), defaults.models(), defaults.events(), defaults.learning(), defaults.imagesNovel());
    }

    /** The default topics with {@code images} renamed. */
    static Topics withImages(String images) {
        Topics defaults = Topics.defaults();
        return renamed(images, defaults.imagesValid().name(), defaults.imagesDlq().name());
    }

    /**
     * @throws KafkaException naming the bootstrap servers when the broker does not answer within {@code timeout},
     *     when it refuses our login (naming the user and the settings file; at once, not after the timeout), or when a
     *     topic cannot be created
     */
    static void ensure(KafkaClients clients, Topics topics, Duration timeout, String clientId) {
        Admin admin = clients.admin(clientId);
        long start = System.nanoTime();
        try {
            try {
                admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // Wrong credentials are not a network problem: say so, the fix is in the --kafka-config file.
                Optional<KafkaException> refused = clients.authenticationFailure(e);
                if (refused.isPresent()) {
                    throw refused.get();
                }
                // The admin client may give up before our timeout (its own API timeout): report what happened.
                long waited = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                throw new KafkaException("cannot reach Kafka at " + clients.bootstrapServers() + " (no answer in "
                        + waited + " s; is the broker running, is --bootstrap right?): "
                        + (e instanceof ExecutionException ? e.getCause() : e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while contacting Kafka at " + clients.bootstrapServers(), e);
            }
            for (String created : topics.createMissing(admin, clients.replicationFactor(), timeout)) {
                LOG.info("created topic {}", created);
            }
        } finally {
            // Without a zero timeout, close() would wait out the request of an unreachable broker (10 s).
            admin.close(Duration.ZERO);
        }
    }
}
