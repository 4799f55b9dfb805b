package io.vitsom.learner.novel;

import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Records each {@link NovelRelease} call as one {@value NovelRelease#EVENT_TYPE} {@link Messages.MapEvent} on
 * {@code som.events}, keyed by the event type, with a one-line message for the people who read that topic.
 */
final class ReleaseEvents {
    /** Keys an event message names before it only counts the rest: som.events is read by people. */
    private static final int KEYS_IN_MESSAGE = 20;

    private final Topics topics;
    private final LongSupplier imagesTrained;
    private final LongSupplier modelVersion;

    /**
     * @param imagesTrained fresh images trained so far, for {@link Messages.MapEvent#detectedAtImages()} (-1: unknown)
     * @param modelVersion newest published model version, for {@link Messages.MapEvent#modelVersion()} (-1: unknown)
     */
    ReleaseEvents(Topics topics, LongSupplier imagesTrained, LongSupplier modelVersion) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.imagesTrained = Objects.requireNonNull(imagesTrained, "imagesTrained");
        this.modelVersion = Objects.requireNonNull(modelVersion, "modelVersion");
    }

    /**
     * Produces the event of one call and waits for the broker's acknowledgement.
     *
     * @param failure why the call failed after releasing {@code result}, if it did
     * @param wait how long the acknowledgement may take
     * @throws KafkaException when the event is not acknowledged in time or producing it fails
     */
    void record(Producer<byte[], byte[]> producer, NovelRelease.Selection selection, NovelRelease.Result result,
                Optional<String> failure, Duration wait) {
        try {
            producer.send(new ProducerRecord<>(topics.events().name(),
                    NovelRelease.EVENT_TYPE.getBytes(StandardCharsets.UTF_8),
                    Messages.toJson(event(selection, result, failure)))).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new KafkaException("released " + NovelRelease.images(result.released()) + " but could not record "
                    + "it on " + topics.events().name() + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while recording the release on " + topics.events().name(), e);
        }
    }

    /** The event of one call, detected now. */
    Messages.MapEvent event(NovelRelease.Selection selection, NovelRelease.Result result, Optional<String> failure) {
        String message = message(selection, result) + failure.map(f -> "; then failed: " + f).orElse("");
        return new Messages.MapEvent(NovelRelease.EVENT_TYPE, null, null, (double) result.released(),
                Instant.now().toString(), imagesTrained.getAsLong(), modelVersion.getAsLong(), message);
    }

    /** One line for people: what was asked, what was released, what was missing. */
    String message(NovelRelease.Selection selection, NovelRelease.Result result) {
        StringBuilder message = new StringBuilder("released ").append(NovelRelease.images(result.released()));
        if (selection.isAll()) {
            message.append(": all not released before");
        } else {
            message.append(" by key");
            if (!result.keysReleased().isEmpty()) {
                message.append(": ").append(list(result.keysReleased(), result.released()));
            }
            if (!result.keysNotFound().isEmpty()) {
                message.append("; not found: ").append(list(result.keysNotFound(), result.keysNotFound().size()));
            }
        }
        if (!result.complete()) {
            message.append("; stopped by the timeout before the end of ").append(topics.imagesNovel().name());
        }
        return message.toString();
    }

    private static String list(List<String> keys, long total) {
        List<String> shown = keys.subList(0, Math.min(keys.size(), KEYS_IN_MESSAGE));
        String joined = String.join(", ", shown);
        return total > shown.size() ? joined + " and " + (total - shown.size()) + " more" : joined;
    }
}
