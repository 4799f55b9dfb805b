package io.vitsom.learner.novel;

import io.vitsom.stream.Durations;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import io.vitsom.stream.cli.KafkaCliOptions;
import io.vitsom.stream.cli.TopicOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vitsom release-novel}: put quarantined novel images back into training ({@link NovelRelease}). */
@Command(name = "release-novel", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Release images the learner quarantined as novel: produce them from images.novel to "
                + "images.valid again (same key, value and original headers, plus vitsom.novel.released=true, so the "
                + "learner trains them), and record the release on som.events.",
                "--all releases every image no earlier --all released (consumer group " + NovelRelease.GROUP
                        + ", committed after the broker acknowledged the copies: a crash mid-release may release an "
                        + "image twice, never skip one). --key releases the images with that key from anywhere in "
                        + "images.novel, each time it is asked."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:released", "1:a key was not found, the timeout came first, or Kafka failed",
                "2:usage error"})
public final class ReleaseNovelCommand implements Callable<Integer> {
    /** Released keys printed one per line before the rest is only counted. */
    static final int PRINTED_KEYS = 20;

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaCliOptions kafka = new KafkaCliOptions();

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    /** Exactly one of --all and --key. */
    static final class Which {
        @Option(names = "--all", required = true, description = "release every image not released by an earlier --all")
        boolean all;

        @Option(names = "--key", paramLabel = "KEY", required = true,
                description = "release the images with this record key (repeatable)")
        List<String> keys;
    }

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s",
            description = "how long reading and producing may take, e.g. 30s or 5m; what was released by then stays "
                    + "released (default: ${DEFAULT-VALUE})")
    String timeout;

    @Mixin
    TopicOptions topicOptions = new TopicOptions();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        NovelRelease.Selection selection;
        Duration limit;
        Topics topics;
        KafkaClients clients;
        try {
            selection = which.all ? NovelRelease.Selection.all()
                    : NovelRelease.Selection.keys(Set.copyOf(which.keys));
            limit = Durations.parse(timeout);
            topics = topicOptions.topics();
            clients = kafka.clients();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        NovelRelease.Result result;
        try {
            result = new NovelRelease(clients, topics).release(selection, limit);
        } catch (KafkaException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        List<String> keys = result.keysReleased();
        for (String key : keys.subList(0, Math.min(keys.size(), PRINTED_KEYS))) {
            out.println("released " + key);
        }
        if (result.released() > PRINTED_KEYS) {
            out.println("... and " + (result.released() - PRINTED_KEYS) + " more");
        }
        out.println("released " + NovelRelease.images(result.released()) + " from " + topics.imagesNovel().name()
                + " to " + topics.imagesValid().name() + (selection.isAll() ? " (all not released before)" : "")
                + "; recorded on " + topics.events().name());
        out.flush();
        int status = 0;
        if (!result.keysNotFound().isEmpty()) {
            err.println("not found on " + topics.imagesNovel().name() + ": " + String.join(", ", result.keysNotFound()));
            status = 1;
        }
        if (!result.complete()) {
            err.println("error: the timeout (" + timeout + ") came before the end of " + topics.imagesNovel().name()
                    + "; run again for the rest, or give a longer --timeout");
            status = 1;
        }
        return status;
    }
}
