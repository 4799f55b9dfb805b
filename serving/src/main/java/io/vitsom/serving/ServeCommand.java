package io.vitsom.serving;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vitsom.stream.ModelSignatures;
import io.vitsom.stream.cli.HttpCliOptions;
import io.vitsom.stream.cli.ImageLimitOptions;
import io.vitsom.stream.cli.KafkaCliOptions;
import io.vitsom.stream.cli.TopicOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vitsom serve}: the serving service and its HTTP endpoint against an existing Kafka cluster, until Ctrl-C.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Assign every image of images.valid to its best-matching unit with the newest model on som.models,"
                + " writing som.assignments, and answer POST /v1/assign over HTTP.",
                "Waits for the first model before consuming images; newer models are picked up without a restart."})
public final class ServeCommand implements Callable<Integer> {
    @Mixin
    KafkaCliOptions kafka = new KafkaCliOptions();

    @Mixin
    HttpCliOptions httpOptions = new HttpCliOptions();

    @Option(names = "--port", defaultValue = "" + ServingHttpConfig.DEFAULT_PORT,
            description = "HTTP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--batch-size", defaultValue = "" + BatchConfig.DEFAULT_BATCH_SIZE,
            description = "images per inference batch (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--max-delay-ms", defaultValue = "20",
            description = "longest wait for a batch to fill, milliseconds (default: ${DEFAULT-VALUE})")
    long maxDelayMs;

    @Option(names = "--application-id", defaultValue = ServingConfig.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application.id; instances with the same id share the work (default: ${DEFAULT-VALUE})")
    String applicationId;

    @Option(names = "--threads", defaultValue = "1", description = "stream threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--processing-guarantee", defaultValue = "at_least_once",
            description = "at_least_once or exactly_once_v2 (default: ${DEFAULT-VALUE})")
    String processingGuarantee;

    @Option(names = "--state-dir", description = "Kafka Streams state directory (default: <tmp>/kafka-streams)")
    Path stateDir;

    @Option(names = "--window", defaultValue = "" + ServingConfig.DEFAULT_TOPOLOGY_WINDOW, paramLabel = "N",
            description = "the vitsom_som_* gauges cover the N most recently assigned images "
                    + "(default: ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--max-thread-replacements", paramLabel = "N",
            defaultValue = "" + StreamThreadBudget.DEFAULT_MAX_REPLACEMENTS,
            description = "failed stream threads replaced (after 1 s, 2 s, 4 s ..., at most 30 s) within 10 minutes;"
                    + " the next failure shuts the Streams application down and /health says DOWN; 0 = never"
                    + " replace (default: ${DEFAULT-VALUE})")
    int maxThreadReplacements;

    @Option(names = "--checkpoint-root", paramLabel = "DIR",
            description = "load only checkpoints under DIR (paths normalised, links resolved), e.g. the learner's "
                    + "--checkpoint-dir; others are refused and counted")
    Path checkpointRoot;

    @Option(names = "--model-key-file", paramLabel = "FILE",
            description = "load only models signed with the key in FILE (the learner's --model-key-file)")
    Path modelKeyFile;

    @Option(names = "--checkpoint-url", paramLabel = "URL",
            description = "fetch announced checkpoints from the learner's status server (e.g. http://learner:8082) "
                    + "into --checkpoint-cache instead of reading the path the model record names: no shared disk")
    URI checkpointUrl;

    @Option(names = "--checkpoint-cache", paramLabel = "DIR", defaultValue = "runs/serving/checkpoints",
            description = "where fetched checkpoints go (default: ${DEFAULT-VALUE})")
    Path checkpointCache;

    @Option(names = "--checkpoint-token-file", paramLabel = "FILE",
            description = "the learner's --auth-token-file, when its server has one")
    Path checkpointTokenFile;

    /** Where announced checkpoints come from: the learner over HTTP, or the path the record names. */
    Optional<CheckpointFetcher> fetcher() throws IOException {
        if (checkpointUrl == null) {
            return Optional.empty();
        }
        Optional<String> token = Optional.empty();
        if (checkpointTokenFile != null) {
            token = Optional.of(Files.readString(checkpointTokenFile).strip());
            if (token.get().isEmpty()) {
                throw new IllegalArgumentException("the token file " + checkpointTokenFile + " is empty");
            }
        }
        return Optional.of(new CheckpointFetcher(checkpointUrl, checkpointCache, token));
    }

    /** Which announced models may be loaded; with a fetcher, only what is in its cache. */
    ModelTrust trust(Optional<CheckpointFetcher> fetcher) throws IOException {
        Optional<Path> root = Optional.ofNullable(checkpointRoot).or(() -> fetcher.map(CheckpointFetcher::cache));
        if (root.isPresent()) {
            Files.createDirectories(root.get());
        }
        return new ModelTrust(root,
                modelKeyFile == null ? ModelSignatures.none() : ModelSignatures.fromKeyFile(modelKeyFile));
    }

    /** The service settings the options stand for; invalid values fail here, naming the problem. */
    ServingConfig servingConfig() {
        return new ServingConfig(applicationId, threads, ServingConfig.ProcessingGuarantee.fromConfig(processingGuarantee),
                new BatchConfig(batchSize, Duration.ofMillis(maxDelayMs)),
                stateDir != null ? stateDir : ServingConfig.defaults().stateDir(), window,
                StreamThreadBudget.defaults().withMaxReplacements(maxThreadReplacements));
    }

    /** The HTTP settings the options stand for. */
    ServingHttpConfig httpConfig() {
        return ServingHttpConfig.defaults().withAddress(httpOptions.host(), port).withAuth(httpOptions.auth())
                .withLimits(imageLimits.limits());
    }

    @Mixin
    TopicOptions topicOptions = new TopicOptions();

    @Mixin
    ImageLimitOptions imageLimits = new ImageLimitOptions();

    @Override
    public Integer call() throws Exception {
        ServingConfig config = servingConfig();
        Optional<CheckpointFetcher> fetcher = fetcher();
        ServingHttpConfig http = httpConfig();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServingService service = ServingService.start(config, kafka.clients(),
                topicOptions.topics(), registry, trust(fetcher), fetcher);
        Vertx vertx = Vertx.vertx();
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable shutdown = () -> {
            vertx.close().toCompletionStage().toCompletableFuture().join();
            service.close();
            registry.close();
            stopped.countDown();
        };
        try {
            vertx.deployVerticle(new ServingHttpVerticle(http, service.models(), registry, service::health))
                    .toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            shutdown.run();
            // The bind failure (port taken) is an IOException, which the launcher reports in one line.
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "vitsom-serve-shutdown"));
        stopped.await();
        return 0;
    }
}
