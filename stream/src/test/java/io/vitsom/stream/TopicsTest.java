package io.vitsom.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void renamesOnlyTheNamedTopics() {
        Topics topics = Topics.defaults().renamed(Map.of("images", "camera.raw", "som.assignments", "bmus"));
        assertThat(topics.images().name()).isEqualTo("camera.raw");
        assertThat(topics.assignments().name()).isEqualTo("bmus");
        assertThat(topics.imagesValid().name()).isEqualTo("images.valid");
        assertThat(topics.images().partitions()).isEqualTo(Topics.DEFAULT_PARTITIONS);
    }

    @Test
    void unknownOrCollidingNamesAreClearErrors() {
        assertThatThrownBy(() -> Topics.defaults().renamed(Map.of("imgs", "x")))
                .hasMessageContaining("unknown topic 'imgs': one of [images, images.valid");
        assertThatThrownBy(() -> Topics.defaults().renamed(Map.of("images", "images.valid")))
                .hasMessageContaining("topic name images.valid is used twice");
    }
}
