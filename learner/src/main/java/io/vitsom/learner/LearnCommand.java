package io.vitsom.learner;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vitsom.learner.novel.NovelRelease;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.stream.ModelSignatures;
import io.vitsom.stream.cli.KafkaCliOptions;
import io.vitsom.stream.cli.HttpCliOptions;
import io.vitsom.stream.cli.TopicOptions;
import io.vitsom.stream.http.BearerAuth;
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
        description = "Train the config's map model (ViT-SOM by default) online on the valid-image topic, checkpointing model, optimizer and offsets.")
public final class LearnCommand implements Callable<Integer> {
    @Mixin
    KafkaCliOptions kafka = new KafkaCliOptions();

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

    @Option(names = "--model-key-file", paramLabel = "FILE",
            description = "sign every published model (record and checkpoint manifest, HMAC-SHA256) with the key in "
                    + "FILE; serving started with the same file refuses unsigned or badly signed models")
    Path modelKeyFile;

    @Mixin
    HttpCliOptions httpOptions = new HttpCliOptions();

    @Option(names = "--port", defaultValue = "8082",
            description = "port of GET /health and GET /metrics, 0 = any free port (default: ${DEFAULT-VALUE})")
    int port;

    @Mixin
    TopicOptions topicOptions = new TopicOptions();

    @Override
    public Integer call() throws Exception {
        BearerAuth auth = httpOptions.auth();
        MapModelConfig model = MapModels.load(config);
        LearnerConfig learnerConfig = new LearnerConfig(model, kafka.clients(),
                topicOptions.topics(), group, checkpointDir, learner.toOptions(), !noPrototypes,
                modelKeyFile == null ? ModelSignatures.none() : ModelSignatures.fromKeyFile(modelKeyFile));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OnlineLearner learner = new OnlineLearner(learnerConfig, new LearnerMetrics(registry));
        Vertx vertx = Vertx.vertx();
        try {
            // Also the checkpoints' files, for serving on machines without this disk (serve --checkpoint-url).
            NovelRelease release = new NovelRelease(learnerConfig.kafka(), learnerConfig.topics(),
                    learner::freshImagesTrained, learner::modelVersion);
            StatusVerticle status = new StatusVerticle(httpOptions.host(), port, registry, () -> health(learner), auth,
                    router -> LearnerRoutes.add(router, checkpointDir, () -> learner, () -> release));
            vertx.deployVerticle(status).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            String shown = "0.0.0.0".equals(httpOptions.host()) ? "127.0.0.1" : httpOptions.host();
            System.out.println("learner: metrics and health on http://" + shown + ":" + status.actualPort()
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

    /** UP while the loop runs and its last produce to every output topic succeeded; DOWN with the reason otherwise. */
    public static JsonObject health(OnlineLearner learner) {
        JsonObject status = new JsonObject().put("service", "learner").put("state", learner.state().name());
        learner.failure().ifPresent(e -> status.put("error", e.toString()));
        learner.problem().ifPresent(p -> status.put("problem", "producing failed: " + p));
        boolean up = learner.state() == OnlineLearner.State.RUNNING && learner.problem().isEmpty();
        return status.put("status", up ? "UP" : "DOWN");
    }

    /** Runs the learner on its own ({@code java -cp ... io.vitsom.learner.LearnCommand ...}). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new LearnCommand()).execute(args));
    }
}
