package io.vitsom.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vitsom.ingest.ReplayConfig;
import io.vitsom.learner.LearnerOptions;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.stream.Topics;
import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The shipped monitoring against the real pipeline: the chain runs as {@code vitsom run} wires it (embedded broker,
 * MNIST replay, learner checkpointing every 5 steps, serving), and Debian's {@code prometheus} runs
 * {@code deploy/prometheus.yml} with its targets pointed at this process' ports and a 1 s interval, with
 * {@code deploy/alerts.yml} beside it. Checks that Prometheus scrapes every job and gets the map-quality gauges,
 * loads and evaluates every alert rule without error, that every dashboard query runs and returns data, and that
 * every metric name the dashboard and the alerts use is exported on the services' {@code /metrics}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PrometheusScrapeTest {
    private static final int IMAGES = 2_000;
    /** The model exists after the learner's first checkpoint (5 steps of 128 images), then serving assigns. */
    private static final Duration MODEL_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> JOBS = List.of("learner", "serving", "ingest", "validation", "dashboard");
    private static final Pattern PORT = Pattern.compile("^http://[^:/\\s]+:(\\d+)");
    /** The metric names the services promise (README "Metrics", issue 4), for the report this test prints. */
    private static final List<String> CONTRACT = List.of(
            "vitsom_som_quantization_error", "vitsom_som_topographic_error", "vitsom_som_topographic_error_8",
            "vitsom_som_dead_units_ratio", "vitsom_som_hit_entropy", "vitsom_som_purity", "vitsom_som_nmi",
            "vitsom_som_window_images", "vitsom_serving_assign_seconds_bucket", "vitsom_serving_assign_seconds_count",
            "vitsom_serving_assign_seconds_sum", "vitsom_serving_images_total", "vitsom_serving_rejected_total",
            "vitsom_serving_model_version", "vitsom_serving_batch_size_count", "vitsom_serving_batch_size_sum",
            "vitsom_som_prototype_drift_mean", "vitsom_som_prototype_drift_max", "vitsom_learner_step_seconds_count",
            "vitsom_learner_step_seconds_sum", "vitsom_learner_step_seconds_max", "vitsom_learner_images_total",
            "vitsom_learner_loss", "vitsom_learner_temperature", "vitsom_learner_gamma",
            "vitsom_learner_learning_rate", "vitsom_learner_images_per_second", "vitsom_learner_model_version",
            "vitsom_learner_checkpoint_seconds_count", "vitsom_learner_checkpoint_seconds_sum",
            "vitsom_learner_checkpoint_age_seconds", "vitsom_learner_consumer_lag", "vitsom_ingest_records_total");

    /** Broker data, checkpoints, Streams state, the Prometheus configuration and its storage. */
    private Path work;
    /**
     * The JDK client as it comes, asking every new connection for an h2c upgrade: the services must answer in
     * HTTP/1.1 ({@link #scrape}), because that upgraded exchange once stalled a {@code /metrics} body here.
     */
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Pipeline pipeline;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private Process prometheus;
    private Path prometheusLog;
    private String prometheusUrl;
    private boolean modelServed;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        work = tempDir;
        Path root = DeployFixtures.repositoryRoot();
        Path mnist = root.getParent().resolve("shared/datasets/mnist");
        assertThat(mnist).as("MNIST IDX files under ../shared/datasets (see README)").isDirectory();
        assertThat(DeployFixtures.onPath("prometheus"))
                .as("Debian's prometheus is needed (apt-get install prometheus; .ci/run installs it)").isTrue();
        VitSomConfig model = ConfigLoader.load(root.resolve("configs/vit_som_mnist.yaml"));
        ReplayConfig replay = ReplayConfig.defaults().withLimit(IMAGES).withRate(0).withLoop(false);
        Pipeline.Settings settings = new Pipeline.Settings(model, Topics.defaults(), Optional.of(mnist), replay,
                Optional.empty(), work.resolve("pipeline"), 0, 0, 0, 0, 0, 0,
                LearnerOptions.defaults().withCheckpoints(5, Duration.ZERO));
        pipeline = Pipeline.start(settings);
        for (String job : JOBS) {
            String endpoint = pipeline.endpoints().get(job);
            assertThat(endpoint).as("endpoint of %s in %s", job, pipeline.endpoints()).isNotNull();
            Matcher m = PORT.matcher(endpoint);
            assertThat(m.find()).as("port in %s", endpoint).isTrue();
            ports.put(job, Integer.parseInt(m.group(1)));
        }

        int port = freePort();
        prometheusUrl = "http://127.0.0.1:" + port;
        Path config = writeConfig(work.resolve("prometheus"), port);
        prometheusLog = work.resolve("prometheus/prometheus.log");
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + work.resolve("prometheus/data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(prometheusLog.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            assertThat(prometheus.isAlive()).as("prometheus exited:%n%s", prometheusLog()).isTrue();
            try {
                if (get(prometheusUrl + "/-/ready").statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertThat(System.nanoTime()).as("prometheus ready within 30 s:%n%s", prometheusLog()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void prometheusScrapesEveryJobAndLoadsAndEvaluatesTheAlertRules() throws Exception {
        awaitModelServed();

        // A target stays "unknown" until its first scrape ends, and Prometheus starts each scrape pool on its own
        // offset, so serving can be up before another job; a scrape can also miss its 1 s timeout once on a busy
        // 2-core machine. So every job must be up at once within the deadline, not at the first look.
        Map<String, String> health = awaitHealth(() -> {
            Map<String, String> byJob = new TreeMap<>();
            for (JsonNode t : api("/api/v1/targets", Map.of()).path("activeTargets")) {
                byJob.put(t.path("labels").path("job").asText(), health(t));
            }
            return byJob;
        }, byJob -> byJob.keySet().containsAll(JOBS) && byJob.values().stream().allMatch(h -> h.startsWith("up")));
        assertThat(health.keySet()).containsAll(JOBS);
        health.forEach((job, h) -> assertThat(h).as("target of job %s", job).startsWith("up"));

        // Every rule of alerts.yml is loaded and evaluates against live data without an error.
        Set<String> expected = DeployFixtures.alertRules().keySet();
        Map<String, String> ruleHealth = awaitHealth(() -> {
            Map<String, String> byRule = new TreeMap<>();
            for (JsonNode group : api("/api/v1/rules", Map.of("type", "alert")).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    byRule.put(rule.path("name").asText(), health(rule));
                }
            }
            return byRule;
        }, byRule -> byRule.keySet().equals(expected)
                && byRule.values().stream().noneMatch(h -> h.startsWith("unknown")));
        assertThat(ruleHealth.keySet()).as("alert rules Prometheus loaded").isEqualTo(expected);
        ruleHealth.forEach((name, h) -> assertThat(h).as("health of rule %s", name).startsWith("ok"));
    }

    @Test
    @Order(2)
    void everyMetricTheDashboardAndTheAlertsUseIsExported() throws Exception {
        awaitModelServed();
        Map<String, String> sampleTypes = new TreeMap<>();
        for (String job : JOBS) {
            sampleTypes.putAll(exposition(scrape(ports.get(job))));
        }

        Map<String, Set<String>> usedBy = new TreeMap<>();
        DeployFixtures.dashboardExpressions().forEach((where, expr) -> DeployFixtures.metricNames(expr)
                .forEach(n -> usedBy.computeIfAbsent(n, k -> new TreeSet<>()).add("dashboard")));
        DeployFixtures.alertExpressions().forEach((where, expr) -> DeployFixtures.metricNames(expr)
                .forEach(n -> usedBy.computeIfAbsent(n, k -> new TreeSet<>()).add("alerts")));

        StringBuilder report = new StringBuilder("vitsom metrics exported by the pipeline (series name, family type, "
                + "used by):\n");
        sampleTypes.forEach((name, type) -> {
            if (name.startsWith("vitsom_")) {
                report.append(String.format("  %-45s %-10s %s%n", name, type,
                        String.join(",", usedBy.getOrDefault(name, Set.of()))));
            }
        });
        List<String> contractMissing = CONTRACT.stream().filter(n -> !sampleTypes.containsKey(n)).toList();
        report.append("contract names not exported: ").append(contractMissing).append('\n');
        System.out.print(report);

        // A name a query uses must be a series Prometheus stores: for a histogram or timer that is the
        // _bucket/_count/_sum series (or the separate _max gauge), never the bare family name.
        List<String> missing = new ArrayList<>();
        usedBy.forEach((name, where) -> {
            if (!sampleTypes.containsKey(name)) {
                missing.add(name + " (used by " + where + ")");
            }
        });
        assertThat(missing).as("metric names used but not exported; exported:%n%s", report).isEmpty();
        usedBy.keySet().stream().filter(n -> n.endsWith("_bucket"))
                .forEach(n -> assertThat(sampleTypes.get(n)).as("family of %s", n).isEqualTo("histogram"));
    }

    @Test
    @Order(3)
    void everyDashboardQueryRunsAndReturnsData() throws Exception {
        awaitModelServed();
        Map<String, String> queries = DeployFixtures.dashboardExpressions();
        Map<String, String> empty = new TreeMap<>();
        long deadline = System.nanoTime() + QUERY_TIMEOUT.toNanos();
        do {
            empty.clear();
            for (Map.Entry<String, String> q : queries.entrySet()) {
                // Grafana fills in $__rate_interval (4 scrape intervals at least); here the interval is 1 s.
                String expr = DeployFixtures.withoutGrafanaVariables(q.getValue(), "1m");
                HttpResponse<String> response = get(prometheusUrl + "/api/v1/query?query=" + encode(expr));
                JsonNode body = DeployFixtures.JSON.readTree(response.body());
                assertThat(body.path("status").asText()).as("query of panel %s: %s -> %s", q.getKey(), expr,
                        response.body()).isEqualTo("success");
                if (body.path("data").path("result").isEmpty()) {
                    empty.put(q.getKey(), expr);
                }
            }
            if (empty.isEmpty()) {
                break;
            }
            Thread.sleep(1_000);
        } while (System.nanoTime() < deadline);
        assertThat(empty).as("dashboard queries without data after %s", QUERY_TIMEOUT).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * Waits until Prometheus has a quantization error from serving that is a number (the gauges are NaN until the
     * first model assigned images), then sends one image and one bad upload over HTTP to serving and ingest, so the
     * rejection counters (created on the first rejection) exist too.
     */
    private synchronized void awaitModelServed() throws Exception {
        if (modelServed) {
            return;
        }
        String query = "vitsom_som_quantization_error{job=\"serving\"}";
        long deadline = System.nanoTime() + MODEL_TIMEOUT.toNanos();
        JsonNode result;
        while (true) {
            result = api("/api/v1/query", Map.of("query", query)).path("result");
            if (hasNumber(result)) {
                break;
            }
            assertThat(pipeline.learner().failure()).as("learner failure").isEmpty();
            assertThat(System.nanoTime()).as("a quantization error sample within %s: %s; prometheus log:%n%s",
                    MODEL_TIMEOUT, result, prometheusLog()).isLessThan(deadline);
            Thread.sleep(1_000);
        }
        String serving = "http://127.0.0.1:" + ports.get("serving") + "/v1/assign";
        byte[] png = ImageCodec.encodePng(1, 28, 28, new byte[28 * 28]);
        assertThat(post(serving, png).statusCode()).as("POST /v1/assign with a 28x28 PNG").isEqualTo(200);
        assertThat(post(serving, "not an image".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
        String ingest = "http://127.0.0.1:" + ports.get("ingest") + "/v1/images";
        assertThat(post(ingest, new byte[0]).statusCode()).as("POST /v1/images with an empty body").isEqualTo(400);
        modelServed = true;
    }

    /**
     * Reads a name -> health map every 500 ms until {@code done} holds or {@link #QUERY_TIMEOUT} has passed; returns
     * the last reading, which the caller asserts on.
     */
    private static Map<String, String> awaitHealth(Callable<Map<String, String>> read,
                                                   Predicate<Map<String, String>> done) throws Exception {
        long deadline = System.nanoTime() + QUERY_TIMEOUT.toNanos();
        Map<String, String> health = read.call();
        while (!done.test(health) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            health = read.call();
        }
        return health;
    }

    /** A target's or a rule's health with its last error, as Prometheus' API reports them. */
    private static String health(JsonNode targetOrRule) {
        return targetOrRule.path("health").asText() + " " + targetOrRule.path("lastError").asText();
    }

    private static boolean hasNumber(JsonNode result) {
        for (JsonNode series : result) {
            String value = series.path("value").path(1).asText();
            if (!value.isEmpty() && !value.equals("NaN")) {
                return true;
            }
        }
        return false;
    }

    /**
     * deploy/prometheus.yml with every job pointed at this process (static targets instead of DNS discovery), a 1 s
     * scrape and evaluation interval, and the rule files copied beside it.
     */
    private Path writeConfig(Path dir, int prometheusPort) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> config = DeployFixtures.yaml(DeployFixtures.deploy().resolve("prometheus.yml"));
        Map<String, Object> global = DeployFixtures.map(config.get("global"), "global");
        global.put("scrape_interval", "1s");
        global.put("scrape_timeout", "1s");
        global.put("evaluation_interval", "1s");
        for (Object o : DeployFixtures.list(config.get("scrape_configs"), "scrape_configs")) {
            Map<String, Object> job = DeployFixtures.map(o, "scrape config");
            String name = String.valueOf(job.get("job_name"));
            int port = name.equals("prometheus") ? prometheusPort : ports.getOrDefault(name, -1);
            assertThat(port).as("port for job %s", name).isPositive();
            job.remove("dns_sd_configs");
            job.put("static_configs", List.of(Map.of("targets", List.of("127.0.0.1:" + port))));
        }
        for (Object rules : DeployFixtures.list(config.get("rule_files"), "rule_files")) {
            Files.copy(DeployFixtures.deploy().resolve(String.valueOf(rules)), dir.resolve(String.valueOf(rules)));
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Path file = dir.resolve("prometheus.yml");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            new Yaml(options).dump(config, out);
        }
        return file;
    }

    /** Series name to the type of its family ({@code # TYPE} line), from Prometheus text exposition. */
    private static Map<String, String> exposition(String text) {
        Map<String, String> out = new TreeMap<>();
        Map<String, String> families = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                families.put(parts[2], parts[3]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                int end = line.length();
                for (char c : new char[] {'{', ' '}) {
                    int i = line.indexOf(c);
                    if (i >= 0 && i < end) {
                        end = i;
                    }
                }
                String name = line.substring(0, end);
                String family = families.containsKey(name) ? name
                        : families.containsKey(name.replaceFirst("_(bucket|count|sum|total|created)$", ""))
                        ? name.replaceFirst("_(bucket|count|sum|total|created)$", "") : null;
                out.put(name, family == null ? "?" : families.get(family));
            }
        }
        return out;
    }

    private String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = get("http://127.0.0.1:" + port + "/metrics");
        assertThat(response.statusCode()).as("GET /metrics on port %d", port).isEqualTo(200);
        assertThat(response.version()).as("protocol of /metrics on port %d", port)
                .isEqualTo(HttpClient.Version.HTTP_1_1);
        return response.body();
    }

    private JsonNode api(String path, Map<String, String> params) throws IOException, InterruptedException {
        StringBuilder url = new StringBuilder(prometheusUrl).append(path);
        char sep = '?';
        for (Map.Entry<String, String> p : params.entrySet()) {
            url.append(sep).append(p.getKey()).append('=').append(encode(p.getValue()));
            sep = '&';
        }
        HttpResponse<String> response = get(url.toString());
        JsonNode body = DeployFixtures.JSON.readTree(response.body());
        assertThat(body.path("status").asText()).as("%s -> %s", url, response.body()).isEqualTo("success");
        return body.path("data");
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), Duration.ofSeconds(10));
    }

    private HttpResponse<String> post(String url, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofByteArray(body)),
                Duration.ofSeconds(30));
    }

    /**
     * One exchange, headers and body, within {@code limit}: the JDK checks the request timeout only until the headers
     * arrive (JDK-8258397), so a stalled body would otherwise hang until the class timeout.
     */
    private HttpResponse<String> send(HttpRequest.Builder request, Duration limit)
            throws IOException, InterruptedException {
        HttpRequest built = request.timeout(limit).build();
        CompletableFuture<HttpResponse<String>> exchange = http.sendAsync(built, HttpResponse.BodyHandlers.ofString());
        try {
            return exchange.get(limit.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new IOException(built.method() + " " + built.uri() + " did not complete within " + limit, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(built.uri().toString(), e.getCause());
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String prometheusLog() {
        try {
            String log = Files.readString(prometheusLog, StandardCharsets.UTF_8);
            return log.length() > 4_000 ? log.substring(log.length() - 4_000) : log;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
