package io.vitsom.stream.cli;

import io.vitsom.stream.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --topic NAME=NEW}, the same on every service command (a picocli mixin). */
public final class TopicOptions {
    @Option(names = "--topic", paramLabel = "NAME=NEW",
            description = "rename a topic, e.g. --topic images=camera.raw (repeatable; names: images, images.valid, "
                    + "images.dlq, som.prototypes, som.assignments, som.training, som.models)")
    Map<String, String> renames = new LinkedHashMap<>();

    /** The default topics with the renames applied; unknown names fail with the list of known ones. */
    public Topics topics() {
        return Topics.defaults().renamed(renames);
    }
}
