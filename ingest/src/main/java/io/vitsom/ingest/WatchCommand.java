package io.vitsom.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import io.vitsom.stream.cli.ImageLimitOptions;
import io.vitsom.stream.cli.KafkaCliOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vitsom ingest watch DIR}: send image files dropped into a folder. */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Watch a folder: PNG/JPEG files (by content) become records of the images topic and move to "
                + "done/ once Kafka acknowledged them; other files move to rejected/ with a .reason.txt.",
                "Files are taken once unchanged between two polls; dot-files and sub-folders are ignored."})
final class WatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaCliOptions kafka;

    @Parameters(index = "0", paramLabel = "DIR", description = "the folder to watch (created when missing)")
    Path directory;

    @Option(names = "--poll-ms", defaultValue = "250", description = "milliseconds between polls (default: ${DEFAULT-VALUE})")
    long pollMillis;

    @Option(names = "--max-bytes", defaultValue = "" + FolderWatchConfig.DEFAULT_MAX_FILE_BYTES,
            description = "larger files are rejected (default: ${DEFAULT-VALUE}, 10 MiB)")
    int maxBytes;

    @Mixin
    ImageLimitOptions imageLimits = new ImageLimitOptions();

    @Option(names = "--topic", defaultValue = "images", description = "topic to write to (default: ${DEFAULT-VALUE})")
    String topic;

    @Override
    public Integer call() {
        Topics topics = TopicSetup.withImages(topic);
        FolderWatchConfig config = new FolderWatchConfig(directory, Duration.ofMillis(pollMillis), maxBytes,
                topics.images(), imageLimits.limits());
        KafkaClients clients = kafka.clients();
        try {
            TopicSetup.ensure(clients, topics, Duration.ofSeconds(30), "vitsom-folder-watcher-admin");
            FolderWatcher watcher = new FolderWatcher(config, clients, new SimpleMeterRegistry());
            ShutdownHook hook = ShutdownHook.install("watch", watcher::stop);
            try (watcher) {
                watcher.run();
            } finally {
                hook.close();
            }
            return 0;
        } catch (KafkaException e) {
            return IngestCommand.kafkaFailure(spec.commandLine(), e);
        }
    }
}
