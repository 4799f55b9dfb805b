package io.vitsom.ingest;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import io.vitsom.stream.http.BearerAuth;
import io.vitsom.stream.cli.HttpCliOptions;
import io.vitsom.stream.cli.ImageLimitOptions;
import io.vitsom.stream.cli.KafkaCliOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vitsom ingest http}: the upload endpoint. */
@Command(name = "http", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve POST " + IngestHttpVerticle.IMAGES_PATH + " (body: PNG/JPEG bytes; query: key, label) "
                + "-> 201 {key, topic, partition, offset} once Kafka acknowledged; also GET /health and GET /metrics.",
                "Example: curl --data-binary @digit.png -H 'Content-Type: image/png' "
                        + "'http://127.0.0.1:8081/v1/images?label=7'"})
final class HttpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaCliOptions kafka;

    @Mixin
    HttpCliOptions httpOptions = new HttpCliOptions();

    @Option(names = "--port", defaultValue = "" + HttpIngestConfig.DEFAULT_PORT, description = "port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--max-bytes", defaultValue = "" + HttpIngestConfig.DEFAULT_MAX_BODY_BYTES,
            description = "larger uploads get 413 (default: ${DEFAULT-VALUE}, 10 MiB)")
    int maxBytes;

    @Mixin
    ImageLimitOptions imageLimits = new ImageLimitOptions();

    @Option(names = "--ack-timeout-ms", defaultValue = "10000",
            description = "uploads not acknowledged by Kafka within this get 503 (default: ${DEFAULT-VALUE})")
    long ackTimeoutMillis;

    @Option(names = "--topic", defaultValue = "images", description = "topic to write to (default: ${DEFAULT-VALUE})")
    String topic;

    @Override
    public Integer call() throws Exception {
        Topics topics = TopicSetup.withImages(topic);
        BearerAuth auth = httpOptions.auth();
        HttpIngestConfig config = new HttpIngestConfig(httpOptions.host(), port, maxBytes, Duration.ofMillis(ackTimeoutMillis),
                topics.images(), imageLimits.limits());
        KafkaClients clients = kafka.clients();
        try {
            TopicSetup.ensure(clients, topics, Duration.ofSeconds(30), "vitsom-ingest-http-admin");
        } catch (KafkaException e) {
            return IngestCommand.kafkaFailure(spec.commandLine(), e);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Vertx vertx = Vertx.vertx();
        CountDownLatch stopped = new CountDownLatch(1);
        ShutdownHook hook = ShutdownHook.install("http", stopped::countDown);
        try {
            try {
                vertx.deployVerticle(new IngestHttpVerticle(config, clients, registry, auth)).await();
            } catch (IllegalStateException e) {
                // The port is taken or the address is wrong: one line, like other configuration errors.
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return 2;
            }
            stopped.await();
            return 0;
        } finally {
            vertx.close().await();
            hook.close();
        }
    }
}
