package io.vitsom.dashboard;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vitsom.model.config.Distance;
import io.vitsom.stream.Durations;
import io.vitsom.stream.cli.KafkaCliOptions;
import io.vitsom.stream.cli.HttpCliOptions;
import io.vitsom.stream.cli.TopicOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vitsom dashboard}: the live dashboard against an existing Kafka cluster, until Ctrl-C. */
@Command(name = "dashboard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the live dashboard of the map: prototype mosaic, U-matrix, hit and label maps, topology"
                + " metrics over time, the assignment stream, model versions, consumer lag, and the learner's drift"
                + " events and continual-learning state.",
                "Reads som.assignments, som.prototypes, som.models, som.events and som.learning without a consumer"
                + " group."})
public final class DashboardCommand implements Callable<Integer> {
    @Mixin
    KafkaCliOptions kafka = new KafkaCliOptions();

    @Mixin
    HttpCliOptions httpOptions = new HttpCliOptions();

    @Option(names = "--port", defaultValue = "" + DashboardConfig.DEFAULT_PORT,
            description = "HTTP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--window", defaultValue = "" + DashboardConfig.DEFAULT_WINDOW,
            description = "assignments in the rolling window of the hit map, label map and metrics (default: ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--distance", defaultValue = "cosine",
            description = "the map's distance, for the U-matrix: cosine, euclidean or manhattan (default: ${DEFAULT-VALUE})")
    String distance;

    @Option(names = "--sample-every", defaultValue = "2s",
            description = "how often the topology metrics are added to the charts (default: ${DEFAULT-VALUE})")
    String sampleEvery;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "consumer group whose lag on images.valid is shown (repeatable; default: vitsom-learner and vitsom-serving)")
    List<String> groups = new ArrayList<>();

    @Mixin
    TopicOptions topicOptions = new TopicOptions();

    /** The settings the options stand for; invalid values fail here, naming the problem. */
    DashboardConfig config() {
        DashboardConfig defaults = DashboardConfig.defaults(kafka.clients(), topicOptions.topics());
        return defaults.withAddress(httpOptions.host(), port).withAuth(httpOptions.auth()).withWindow(window).withDistance(Distance.fromConfig(distance))
                .withIntervals(Durations.parse(sampleEvery), defaults.pushEvery(), defaults.lagEvery())
                .withGroups(groups.isEmpty() ? DashboardConfig.DEFAULT_GROUPS : groups);
    }

    @Override
    public Integer call() throws Exception {
        DashboardConfig config = config();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Vertx vertx = Vertx.vertx();
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable shutdown = () -> {
            vertx.close().toCompletionStage().toCompletableFuture().join();
            registry.close();
            stopped.countDown();
        };
        Dashboard dashboard;
        try {
            dashboard = Dashboard.deploy(vertx, config, registry).toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            shutdown.run();
            // A taken port is an IllegalStateException naming the address, which the launcher prints in one line.
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
        System.out.println("dashboard on http://" + ("0.0.0.0".equals(config.host()) ? "127.0.0.1" : config.host())
                + ":" + dashboard.port() + " reading " + config.clients().bootstrapServers());
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "vitsom-dashboard-shutdown"));
        stopped.await();
        return 0;
    }
}
