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
import io.vitsom.learner.LearnCommand;
import io.vitsom.learner.LearnerConfig;
import io.vitsom.learner.LearnerRoutes;
import io.vitsom.learner.novel.NovelRelease;
import io.vitsom.learner.LearnerMetrics;
import io.vitsom.learner.LearnerOptions;
import io.vitsom.learner.OnlineLearner;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.serving.ServingConfig;
import io.vitsom.serving.ServingHttpConfig;
import io.vitsom.serving.ServingHttpVerticle;
import io.vitsom.serving.ServingService;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.KafkaClientProperties;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import io.vitsom.stream.ValidationConfig;
import io.vitsom.stream.http.BearerAuth;
import io.vitsom.stream.http.HttpServers;
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

    private final Settings settings;
    private final Http http;
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
     * @param kafkaProperties extra client settings ({@code --kafka-config}) for every client, also those of the
     *     embedded broker (which listens PLAINTEXT, so security settings belong only with {@code bootstrap})
     * @param validation what validation accepts: the model's input, the conversions allowed and the image limits
     */
    public record Settings(MapModelConfig model, Topics topics, Optional<Path> dataset, ReplayConfig replay, Optional<String> bootstrap,
                           Path workDir, int kafkaPort, int servingPort, int ingestPort, int learnerPort,
                           int validationPort,
                           int dashboardPort, LearnerOptions learner, KafkaClientProperties kafkaProperties,
                           ValidationConfig validation) {
        public Settings {
            Objects.requireNonNull(validation, "validation");
            if (!validation.shape().equals(ValidationConfig.strict(model).shape())) {
                throw new IllegalArgumentException("validation accepts " + validation.shape() + " but the model reads "
                        + ValidationConfig.strict(model).shape());
            }
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(topics, "topics");
            Objects.requireNonNull(dataset, "dataset");
            Objects.requireNonNull(replay, "replay");
            Objects.requireNonNull(bootstrap, "bootstrap");
            Objects.requireNonNull(workDir, "workDir");
            Objects.requireNonNull(learner, "learner");
            Objects.requireNonNull(kafkaProperties, "kafkaProperties");
        }

        /** Settings whose clients have no extra Kafka settings. */
        public Settings(MapModelConfig model, Topics topics, Optional<Path> dataset, ReplayConfig replay,
                        Optional<String> bootstrap, Path workDir, int kafkaPort, int servingPort, int ingestPort,
                        int learnerPort, int validationPort, int dashboardPort, LearnerOptions learner) {
            this(model, topics, dataset, replay, bootstrap, workDir, kafkaPort, servingPort, ingestPort, learnerPort,
                    validationPort, dashboardPort, learner, KafkaClientProperties.none(), ValidationConfig.strict(model));
        }
    }

    /**
     * How every HTTP server of the pipeline listens.
     *
     * @param host the address every server binds ({@code 0.0.0.0}: every interface)
     * @param auth the token every route but {@code /health} and {@code /metrics} needs
     */
    public record Http(String host, BearerAuth auth) {
        public Http {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(auth, "auth");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
        }

        /** This machine only, no auth: the default. */
        public static Http loopback() {
            return new Http(HttpServers.DEFAULT_HOST, BearerAuth.none());
        }

        /** Where a client on this machine reaches the servers: the loopback address when bound to every interface. */
        public String shownHost() {
            return host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        }
    }

    private Pipeline(Settings settings, Http http) {
        this.settings = settings;
        this.http = http;
    }

    /**
     * Starts every part and returns once all of them run; on failure everything started so far is stopped again.
     *
     * @throws IOException when the dataset or a working directory cannot be read or written
     */
    public static Pipeline start(Settings settings) throws Exception {
        return start(settings, Http.loopback());
    }

    /**
     * {@link #start(Settings)} with the HTTP servers on {@code http}'s address and behind its token.
     *
     * @throws IOException when the dataset or a working directory cannot be read or written
     */
    public static Pipeline start(Settings settings, Http http) throws Exception {
        Pipeline pipeline = new Pipeline(Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(http, "http"));
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
            clients = KafkaClients.of(settings.bootstrap().get(), settings.kafkaProperties());
        } else {
            kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(work.resolve("kafka"), settings.kafkaPort(), 0));
            clients = KafkaClients.of(kafka.bootstrapServers(), settings.kafkaProperties());
        }
        endpoints.put("kafka", clients.bootstrapServers() + (kafka != null ? " (embedded, data in "
                + work.resolve("kafka") + ")" : ""));
        vertx = Vertx.vertx();

        validation = new ValidationService(ValidationServiceConfig.of(settings.validation())
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

        String host = http.host();
        String shown = http.shownHost();
        ServingHttpVerticle servingHttp = new ServingHttpVerticle(ServingHttpConfig.defaults()
                .withAddress(host, settings.servingPort()).withAuth(http.auth())
                .withLimits(settings.validation().limits()), serving.models(), registry,
                serving::health);
        deploy(servingHttp);
        endpoints.put("serving", "http://" + shown + ":" + servingHttp.actualPort() + "  (POST /v1/assign, GET /v1/model)");

        IngestHttpVerticle ingestHttp = new IngestHttpVerticle(HttpIngestConfig.defaults()
                .withAddress(host, settings.ingestPort()).withTopic(topics.images())
                .withLimits(settings.validation().limits()), clients, registry, http.auth());
        deploy(ingestHttp);
        endpoints.put("ingest", "http://" + shown + ":" + ingestHttp.actualPort() + "  (POST /v1/images)");

        NovelRelease release = new NovelRelease(clients, topics, learner::freshImagesTrained, learner::modelVersion);
        StatusVerticle learnerStatus = new StatusVerticle(host, settings.learnerPort(), registry, this::learnerHealth,
                http.auth(), router -> LearnerRoutes.add(router, work.resolve("checkpoints"), () -> learner,
                        () -> release));
        deploy(learnerStatus);
        endpoints.put("learner", "http://" + shown + ":" + learnerStatus.actualPort()
                + "  (GET /health, /metrics; POST /v1/shadow/start, /v1/shadow/promote, /v1/novel/release)");

        StatusVerticle validationStatus = new StatusVerticle(host, settings.validationPort(), registry,
                this::validationHealth, http.auth());
        deploy(validationStatus);
        endpoints.put("validation", "http://" + shown + ":" + validationStatus.actualPort()
                + "  (GET /health, /metrics)");

        List<DashboardConfig.Link> links = new ArrayList<>();
        links.add(new DashboardConfig.Link("serving model", "http://" + shown + ":" + servingHttp.actualPort()
                + "/v1/model"));
        links.add(new DashboardConfig.Link("serving metrics", "http://" + shown + ":" + servingHttp.actualPort()
                + "/metrics"));
        links.add(new DashboardConfig.Link("learner health", "http://" + shown + ":" + learnerStatus.actualPort()
                + "/health"));
        links.add(new DashboardConfig.Link("ingest health", "http://" + shown + ":" + ingestHttp.actualPort()
                + "/health"));
        DashboardConfig dashboardConfig = DashboardConfig.defaults(clients, topics)
                .withAddress(host, settings.dashboardPort())
                .withAuth(http.auth())
                .withDistance(settings.model().prototypeDistance())
                .withLinks(links);
        Dashboard dashboard = Dashboard.deploy(vertx, dashboardConfig, registry)
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        endpoints.put("dashboard", "http://" + shown + ":" + dashboard.port());

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
        return validation.health();
    }

    private JsonObject learnerHealth() {
        return LearnCommand.health(learner);
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
