package io.vitsom.serving;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.cli.TopicOptions;
import java.nio.file.Path;
import java.time.Duration;
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
    @Option(names = "--bootstrap", defaultValue = "127.0.0.1:" + EmbeddedKafka.DEFAULT_PORT,
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "HTTP address to bind (default: ${DEFAULT-VALUE})")
    String host;

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

    /** The service settings the options stand for; invalid values fail here, naming the problem. */
    ServingConfig servingConfig() {
        return new ServingConfig(applicationId, threads, ServingConfig.ProcessingGuarantee.fromConfig(processingGuarantee),
                new BatchConfig(batchSize, Duration.ofMillis(maxDelayMs)),
                stateDir != null ? stateDir : ServingConfig.defaults().stateDir(), window);
    }

    /** The HTTP settings the options stand for. */
    ServingHttpConfig httpConfig() {
        return ServingHttpConfig.defaults().withAddress(host, port);
    }

    @Mixin
    TopicOptions topicOptions = new TopicOptions();

    @Override
    public Integer call() throws Exception {
        ServingConfig config = servingConfig();
        ServingHttpConfig http = httpConfig();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServingService service = ServingService.start(config, KafkaClients.of(bootstrap),
                topicOptions.topics(), registry);
        Vertx vertx = Vertx.vertx();
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable shutdown = () -> {
            vertx.close().toCompletionStage().toCompletableFuture().join();
            service.close();
            registry.close();
            stopped.countDown();
        };
        try {
            vertx.deployVerticle(new ServingHttpVerticle(http, service.models(), registry))
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
