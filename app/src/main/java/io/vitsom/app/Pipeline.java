package io.vitsom.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vitsom.dashboard.Dashboard;
import io.vitsom.dashboard.DashboardConfig;
import io.vitsom.ingest.HttpIngestConfig;
import io.vitsom.ingest.IngestHttpVerticle;
import io.vitsom.ingest.ReplayConfig;
import io.vitsom.ingest.ReplayProducer;
import io.vitsom.ingest.ValidationService;
import io.vitsom.ingest.ValidationServiceConfig;
import io.vitsom.learner.LearnerConfig;
import io.vitsom.learner.LearnerMetrics;
import io.vitsom.learner.LearnerOptions;
import io.vitsom.learner.OnlineLearner;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.serving.ServingConfig;
import io.vitsom.serving.ServingHttpConfig;
import io.vitsom.serving.ServingHttpVerticle;
import io.vitsom.serving.ServingService;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import io.vitsom.stream.ValidationConfig;
import io.vitsom.stream.http.StatusVerticle;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process, as {@code vitsom run} starts it: broker (embedded unless a cluster is given),
 * validation, learner, serving (Kafka Streams and HTTP), ingest HTTP, the dashboard, and a replay of a dataset.
 * This is the composition root: the services know nothing of each other, only of the topics.
 *
 * <p>All services share one metrics registry here, so every {@code /metrics} endpoint of the process shows the
 * same series; run the services as separate processes ({@code vitsom learn}, {@code serve}, {@code ingest ...})
 * to scrape them one by one.
 */
public final class Pipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final String HOST = "127.0.0.1";

    private final Settings settings;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, String> endpoints = new LinkedHashMap<>();
    private EmbeddedKafka kafka;
    private KafkaClients clients;
    private Vertx vertx;
    private ValidationService validation;
    private OnlineLearner learner;
    private Thread learnerThread;
    private ServingService serving;
    private ReplayProducer replay;
    private Thread replayThread;
    private boolean closed;

    /**
     * What to run and where.
     *
     * @param model the model config
     * @param topics the topic names
     * @param dataset dataset to replay, or empty for none
     * @param replay how to replay it
     * @param bootstrap an existing cluster, or empty to start the embedded broker
     * @param workDir broker data, checkpoints and Kafka Streams state go under here
     * @param kafkaPort port of the embedded broker (0 = any free port)
     * @param servingPort serving HTTP port
     * @param ingestPort ingest HTTP port
     * @param learnerPort learner status port
     * @param validationPort validation status port
     * @param dashboardPort dashboard port
     * @param learner how the learner trains and checkpoints
     */
    public record Settings(VitSomConfig model, Topics topics, Optional<Path> dataset, ReplayConfig replay, Optional<String> bootstrap,
                           Path workDir, int kafkaPort, int servingPort, int ingestPort, int learnerPort,
                           int validationPort,
                           int dashboardPort, LearnerOptions learner) {
        public Settings {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(topics, "topics");
            Objects.requireNonNull(dataset, "dataset");
            Objects.requireNonNull(replay, "replay");
            Objects.requireNonNull(bootstrap, "bootstrap");
            Objects.requireNonNull(workDir, "workDir");
            Objects.requireNonNull(learner, "learner");
        }
    }

    private Pipeline(Settings settings) {
        this.settings = settings;
    }

    /**
     * Starts every part and returns once all of them run; on failure everything started so far is stopped again.
     *
     * @throws IOException when the dataset or a working directory cannot be read or written
     */
    public static Pipeline start(Settings settings) throws Exception {
        Pipeline pipeline = new Pipeline(Objects.requireNonNull(settings, "settings"));
        try {
            pipeline.startAll();
            return pipeline;
        } catch (Exception | Error e) {
            pipeline.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        Topics topics = settings.topics();
        Path work = settings.workDir().toAbsolutePath();
        if (settings.bootstrap().isPresent()) {
            clients = KafkaClients.of(settings.bootstrap().get());
        } else {
            kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(work.resolve("kafka"), settings.kafkaPort(), 0));
            clients = KafkaClients.of(kafka.bootstrapServers());
        }
        endpoints.put("kafka", clients.bootstrapServers() + (kafka != null ? " (embedded, data in "
                + work.resolve("kafka") + ")" : ""));
        vertx = Vertx.vertx();

        validation = new ValidationService(ValidationServiceConfig.of(ValidationConfig.strict(settings.model()))
                .withTopics(topics).withStateDir(work.resolve("streams")), clients, registry);
        validation.start();

        LearnerConfig learnerConfig = new LearnerConfig(settings.model(), clients, topics, LearnerConfig.DEFAULT_GROUP,
                work.resolve("checkpoints"), settings.learner(), true);
        learner = new OnlineLearner(learnerConfig, new LearnerMetrics(registry));
        learnerThread = new Thread(learner, "learner");
        learnerThread.start();
        endpoints.put("checkpoints", work.resolve("checkpoints").toString());

        serving = ServingService.start(ServingConfig.defaults().withStateDir(work.resolve("streams")), clients, topics,
                registry);

        ServingHttpVerticle servingHttp = new ServingHttpVerticle(
                ServingHttpConfig.defaults().withAddress(HOST, settings.servingPort()), serving.models(), registry);
        deploy(servingHttp);
        endpoints.put("serving", "http://" + HOST + ":" + servingHttp.actualPort() + "  (POST /v1/assign, GET /v1/model)");

        IngestHttpVerticle ingestHttp = new IngestHttpVerticle(HttpIngestConfig.defaults()
                .withAddress(HOST, settings.ingestPort()).withTopic(topics.images()), clients, registry);
        deploy(ingestHttp);
        endpoints.put("ingest", "http://" + HOST + ":" + ingestHttp.actualPort() + "  (POST /v1/images)");

        StatusVerticle learnerStatus = new StatusVerticle(HOST, settings.learnerPort(), registry, this::learnerHealth);
        deploy(learnerStatus);
        endpoints.put("learner", "http://" + HOST + ":" + learnerStatus.actualPort() + "  (GET /health, /metrics)");

        StatusVerticle validationStatus = new StatusVerticle(HOST, settings.validationPort(), registry,
                this::validationHealth);
        deploy(validationStatus);
        endpoints.put("validation", "http://" + HOST + ":" + validationStatus.actualPort()
                + "  (GET /health, /metrics)");

        List<DashboardConfig.Link> links = new ArrayList<>();
        links.add(new DashboardConfig.Link("serving model", "http://" + HOST + ":" + servingHttp.actualPort()
                + "/v1/model"));
        links.add(new DashboardConfig.Link("serving metrics", "http://" + HOST + ":" + servingHttp.actualPort()
                + "/metrics"));
        links.add(new DashboardConfig.Link("learner health", "http://" + HOST + ":" + learnerStatus.actualPort()
                + "/health"));
        links.add(new DashboardConfig.Link("ingest health", "http://" + HOST + ":" + ingestHttp.actualPort()
                + "/health"));
        DashboardConfig dashboardConfig = DashboardConfig.defaults(clients, topics)
                .withAddress(HOST, settings.dashboardPort())
                .withDistance(settings.model().som().distance())
                .withLinks(links);
        Dashboard dashboard = Dashboard.deploy(vertx, dashboardConfig, registry)
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        endpoints.put("dashboard", "http://" + HOST + ":" + dashboard.port());

        if (settings.dataset().isPresent()) {
            replay = ReplayProducer.open(settings.dataset().get(), settings.replay().withTopic(topics.images()),
                    clients, registry);
            replayThread = new Thread(() -> {
                try {
                    replay.run();
                } catch (RuntimeException e) {
                    LOG.error("replay stopped: {}", e.getMessage(), e);
                }
            }, "replay");
            replayThread.start();
            endpoints.put("replay", settings.dataset().get() + " -> " + topics.images().name());
        }
    }

    private void deploy(io.vertx.core.Deployable verticle) throws Exception {
        vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private JsonObject validationHealth() {
        String state = String.valueOf(validation.state());
        return new JsonObject().put("service", "validation").put("state", state)
                .put("status", "RUNNING".equals(state) ? "UP" : "DOWN");
    }

    private JsonObject learnerHealth() {
        JsonObject status = new JsonObject().put("service", "learner").put("state", learner.state().name());
        learner.failure().ifPresent(e -> status.put("error", e.toString()));
        return status.put("status", learner.state() == OnlineLearner.State.RUNNING ? "UP" : "DOWN");
    }

    /** Where each part listens, in start order. */
    public Map<String, String> endpoints() {
        return Map.copyOf(endpoints);
    }

    /** The part names and addresses as printed at start. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        endpoints.forEach((name, where) -> out.append(String.format("  %-12s %s%n", name, where)));
        return out.toString();
    }

    /** Bootstrap servers of the cluster in use. */
    public String bootstrapServers() {
        return clients.bootstrapServers();
    }

    /** The learner (state, failure). */
    public OnlineLearner learner() {
        return learner;
    }

    /** The replay, when a dataset is replayed. */
    public Optional<ReplayProducer> replay() {
        return Optional.ofNullable(replay);
    }

    /** The metrics registry every part of this process reports to. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Stops the parts in reverse order: replay, HTTP servers, serving, learner (final checkpoint), validation,
     * broker. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (replay != null) {
            replay.close();
        }
        if (vertx != null) {
            await(() -> vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS), "HTTP servers");
        }
        if (serving != null) {
            await(serving::close, "serving");
        }
        if (learner != null) {
            learner.stop();
            await(() -> learner.awaitStopped(Duration.ofMinutes(2)), "learner");
        }
        if (validation != null) {
            await(validation::close, "validation");
        }
        if (kafka != null) {
            await(kafka::close, "broker");
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void await(Step step, String what) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while stopping {}", what);
        } catch (Exception e) {
            LOG.warn("stopping {} failed: {}", what, e.toString());
        }
    }
}
