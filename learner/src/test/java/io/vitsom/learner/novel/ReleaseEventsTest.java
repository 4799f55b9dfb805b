package io.vitsom.learner.novel;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The event of a release as people read it on {@code som.events}; producing it is in {@link NovelReleaseTest}. */
class ReleaseEventsTest {
    private final ReleaseEvents events = new ReleaseEvents(Topics.defaults(), () -> 1234, () -> 7);

    @Test
    void anAllReleaseSaysSoAndATimeoutSaysWhereItStopped() {
        assertThat(events.message(NovelRelease.Selection.all(),
                new NovelRelease.Result(1, List.of("k1"), List.of(), true)))
                .isEqualTo("released 1 novel image: all not released before");
        assertThat(events.message(NovelRelease.Selection.all(),
                new NovelRelease.Result(0, List.of(), List.of(), false)))
                .isEqualTo("released 0 novel images: all not released before; stopped by the timeout before the end "
                        + "of images.novel");
    }

    @Test
    void aKeyReleaseNamesTheFirstTwentyKeysAndCountsTheRest() {
        List<String> released = IntStream.range(0, 25).mapToObj(i -> "k" + i).toList();
        String message = events.message(NovelRelease.Selection.keys(Set.of("k0", "gone")),
                new NovelRelease.Result(25, released, List.of("gone"), true));
        assertThat(message).isEqualTo("released 25 novel images by key: " + String.join(", ", released.subList(0, 20))
                + " and 5 more; not found: gone");
        // The listed keys stop at NovelRelease.MAX_LISTED_KEYS; the count says how many there were.
        assertThat(events.message(NovelRelease.Selection.keys(Set.of("k0")),
                new NovelRelease.Result(2000, released.subList(0, 20), List.of(), true)))
                .endsWith("k19 and 1980 more");
    }

    @Test
    void theEventCarriesTheCountTheLearnersStateAndAFailure() {
        Messages.MapEvent event = events.event(NovelRelease.Selection.all(),
                new NovelRelease.Result(3, List.of("a", "b", "c"), List.of(), false), Optional.of("broker gone"));
        assertThat(event.type()).isEqualTo(NovelRelease.EVENT_TYPE);
        assertThat(event.magnitude()).isEqualTo(3.0);
        assertThat(event.detectedAtImages()).isEqualTo(1234);
        assertThat(event.modelVersion()).isEqualTo(7);
        assertThat(event.message()).isEqualTo("released 3 novel images: all not released before; stopped by the "
                + "timeout before the end of images.novel; then failed: broker gone");
    }
}
