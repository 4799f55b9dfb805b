package io.vitsom.learner;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.cli.TopicOptions;
import io.vitsom.stream.http.StatusVerticle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vitsom learn}: the online learner as its own process, against any Kafka cluster. */
@Command(name = "learn", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train ViT-SOM online on the valid-image topic, checkpointing model, optimizer and offsets.")
public final class LearnCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--config", defaultValue = "configs/vit_som_mnist.yaml",
            description = "model config YAML (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--checkpoint-dir", defaultValue = "runs/stream/checkpoints",
            description = "where versioned checkpoints go (default: ${DEFAULT-VALUE})")
    Path checkpointDir;

    @Mixin
    LearnerCliOptions learner = new LearnerCliOptions();

    @Option(names = "--group", defaultValue = LearnerConfig.DEFAULT_GROUP,
            description = "consumer group for committed offsets (lag monitoring) (default: ${DEFAULT-VALUE})")
    String group;

    @Option(names = "--no-prototypes", description = "do not publish the prototype map to som.prototypes")
    boolean noPrototypes;

    @Option(names = "--port", defaultValue = "8082",
            description = "port of GET /health and GET /metrics, 0 = any free port (default: ${DEFAULT-VALUE})")
    int port;

    @Mixin
    TopicOptions topicOptions = new TopicOptions();

    @Override
    public Integer call() throws Exception {
        VitSomConfig model = ConfigLoader.load(config);
        LearnerConfig learnerConfig = new LearnerConfig(model, KafkaClients.of(bootstrap),
                topicOptions.topics(), group, checkpointDir, learner.toOptions(), !noPrototypes);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OnlineLearner learner = new OnlineLearner(learnerConfig, new LearnerMetrics(registry));
        Vertx vertx = Vertx.vertx();
        try {
            StatusVerticle status = new StatusVerticle("0.0.0.0", port, registry, () -> health(learner));
            vertx.deployVerticle(status).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            System.out.println("learner: metrics and health on http://127.0.0.1:" + status.actualPort()
                    + "/metrics, checkpoints in " + checkpointDir.toAbsolutePath());
            // SIGTERM / Ctrl-C: finish the step, write the final checkpoint, then let the JVM exit.
            Thread hook = new Thread(() -> {
                learner.stop();
                try {
                    learner.awaitStopped(Duration.ofMinutes(2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "learner-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            learner.run();
            return learner.state() == OnlineLearner.State.FAILED ? 1 : 0;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    static JsonObject health(OnlineLearner learner) {
        JsonObject status = new JsonObject().put("service", "learner").put("state", learner.state().name());
        learner.failure().ifPresent(e -> status.put("error", e.toString()));
        return status.put("status", learner.state() == OnlineLearner.State.RUNNING ? "UP" : "DOWN");
    }

    /** Runs the learner on its own ({@code java -cp ... io.vitsom.learner.LearnCommand ...}). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new LearnCommand()).execute(args));
    }
}
