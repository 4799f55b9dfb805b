package io.vitsom.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vitsom.ingest.ReplayConfig;
import io.vitsom.learner.LearnerOptions;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser while the whole chain runs: MNIST is replayed (looping) through validation,
 * the learner and serving, and Debian's Chromium, driven over the DevTools protocol, loads the page until the
 * prototype mosaic, the other map pictures, the metric charts, the live assignments, the model history, the
 * consumer lag, the map events and the learner's plasticity are all on screen, without a reload. The test publishes
 * one map event and one learning state itself (whatever the learner publishes besides), the event with markup in
 * its text, which must show as text. Then it takes a screenshot, a build artifact: {@code <build dir>/dashboard.png}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DashboardBrowserTest {
    /** The browser binary that Debian's {@code chromium} wrapper script runs. */
    private static final Path CHROMIUM = Path.of("/usr/lib/chromium/chromium");
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration PAGE_READY = Duration.ofMinutes(3);
    private static final int WIDTH = 1600;

    /** What the page shows, as the test checks it (one number per element of the page). */
    private static final String PROBE = """
            JSON.stringify({
              prototypes: document.getElementById('map-prototypes').naturalWidth,
              umatrix: document.getElementById('map-umatrix').naturalWidth,
              hits: document.getElementById('map-hits').naturalWidth,
              labels: document.getElementById('map-labels').naturalWidth,
              points: Math.min(...[...document.querySelectorAll('#charts svg')].map(s => +s.dataset.points)),
              live: document.querySelectorAll('#live tbody tr').length,
              models: document.querySelectorAll('#models tbody tr').length,
              lag: document.querySelectorAll('#lag tbody tr').length,
              events: document.querySelectorAll('#events tbody tr').length,
              eventsText: document.querySelector('#events tbody').textContent,
              injected: document.querySelectorAll('#events img, #events b').length + (window.__xss ? 1 : 0),
              plasticity: document.getElementById('plasticity-value').textContent,
              connection: document.getElementById('chip-connection').textContent,
              model: document.getElementById('chip-model').textContent,
              height: document.documentElement.scrollHeight
            })""";

    /** A map event whose text is markup: the page must show it as text (and never run its handler). */
    private static final String EVENT_MESSAGE = "<img src=x onerror=\"window.__xss=1\"> <b>browser test</b> drift";

    @TempDir
    Path work;

    @Test
    void thePageShowsTheLiveMapChartsAssignmentsModelsAndLag() throws Exception {
        assertThat(CHROMIUM).as("Debian's chromium package (apt-get install -y chromium)").isExecutable();
        Path root = DeployFixtures.repositoryRoot();
        Path mnist = root.getParent().resolve("shared/datasets/mnist");
        assertThat(mnist).as("MNIST IDX files under ../shared/datasets (see README)").isDirectory();
        VitSomConfig model = ConfigLoader.load(root.resolve("configs/vit_som_mnist.yaml"));
        ReplayConfig replay = ReplayConfig.defaults().withLimit(2_000).withRate(300).withLoop(true);
        Pipeline.Settings settings = new Pipeline.Settings(model, Topics.defaults(), Optional.of(mnist), replay,
                Optional.empty(), work.resolve("run"), 0, 0, 0, 0, 0, 0,
                LearnerOptions.defaults().withCheckpoints(5, Duration.ZERO));

        try (Pipeline pipeline = Pipeline.start(settings); Browser browser = Browser.start(work.resolve("chromium"))) {
            publishLearnerEvents(pipeline.bootstrapServers());
            String url = pipeline.endpoints().get("dashboard");
            DevTools page = browser.page();
            page.call("Page.enable", new JsonObject());
            page.call("Runtime.enable", new JsonObject());
            page.call("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", WIDTH).put("height", 1200)
                    .put("deviceScaleFactor", 1).put("mobile", false));
            page.call("Page.navigate", new JsonObject().put("url", url + "/"));

            JsonObject shown = awaitPage(page);
            assertThat(shown.getString("connection")).isEqualTo("live");
            assertThat(shown.getString("model")).startsWith("model v");
            assertThat(page.exceptions()).as("JavaScript errors on the page").isEmpty();
            assertThat(shown.getString("eventsText")).as("the event's markup shown as text").contains(EVENT_MESSAGE);
            assertThat(shown.getInteger("injected")).as("elements or script from Kafka strings").isZero();
            assertThat(shown.getString("plasticity")).as("plasticity as a number").matches("\\d+(\\.\\d+)?(e-\\d+)?");

            // The whole page, not only the first screen.
            int height = shown.getInteger("height");
            page.call("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", WIDTH)
                    .put("height", height).put("deviceScaleFactor", 1).put("mobile", false));
            JsonObject shot = page.call("Page.captureScreenshot", new JsonObject().put("format", "png")
                    .put("clip", new JsonObject().put("x", 0).put("y", 0).put("width", WIDTH).put("height", height)
                            .put("scale", 1)));
            byte[] png = Base64.getDecoder().decode(shot.getString("data"));
            assertThat(png).hasSizeGreaterThan(10_000);
            Path screenshot = buildDir().resolve("dashboard.png");
            Files.write(screenshot, png);
            System.out.println("dashboard screenshot: " + screenshot);
        }
    }

    /**
     * One drift event on {@code som.events} and one state on {@code som.learning}, as the learner publishes them
     * (the topics are created if the learner has not yet).
     */
    private static void publishLearnerEvents(String bootstrap) throws Exception {
        Topics topics = Topics.defaults();
        KafkaClients clients = KafkaClients.of(bootstrap);
        try (Admin admin = clients.admin("browser-test")) {
            topics.createMissing(admin, (short) 1, Duration.ofSeconds(30));
        }
        String now = java.time.Instant.now().toString();
        Messages.MapEvent drift = new Messages.MapEvent("drift", "quantization_error", "page_hinkley", 0.05, now, 0,
                0, EVENT_MESSAGE);
        Messages.LearningState learning = new Messages.LearningState(now, 0, 0, 0, 0, 0, 0, 0, 0.875, 1, 1e-3, 0, 1, 0,
                true, new Messages.MapQuality(0.5, 0.1), new Messages.MapQuality(0.45, 0.08));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(clients.base("browser-test"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.events().name(), "drift".getBytes(StandardCharsets.UTF_8),
                    Messages.toJson(drift))).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(topics.learning().name(), Messages.toJson(learning)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Polls the page until everything is on screen; fails with the last probe after {@link #PAGE_READY}. */
    private static JsonObject awaitPage(DevTools page) throws Exception {
        long deadline = System.nanoTime() + PAGE_READY.toNanos();
        JsonObject last = null;
        while (System.nanoTime() < deadline) {
            JsonObject result = page.call("Runtime.evaluate", new JsonObject().put("expression", PROBE)
                    .put("returnByValue", true)).getJsonObject("result");
            if (result != null && result.getValue("value") instanceof String value) {
                last = new JsonObject(value);
                JsonObject seen = last;
                java.util.function.ToIntFunction<String> count = key -> seen.getInteger(key, 0);
                if (count.applyAsInt("prototypes") > 0 && count.applyAsInt("umatrix") > 0
                        && count.applyAsInt("hits") > 0 && count.applyAsInt("labels") > 0
                        && count.applyAsInt("points") >= 5 && count.applyAsInt("live") > 0
                        && count.applyAsInt("models") >= 2 && count.applyAsInt("lag") > 0
                        && count.applyAsInt("events") > 0 && !seen.getString("plasticity", "").isEmpty()) {
                    return last;
                }
            }
            TimeUnit.SECONDS.sleep(1); // the page updates itself once a second; nothing to wait on from here
        }
        throw new AssertionError("the dashboard did not show everything within " + PAGE_READY + "; last seen: " + last);
    }

    /** The build directory this test runs from (target, or what -Dvitsom.build.dir named). */
    private static Path buildDir() throws Exception {
        Path testClasses = Path.of(DashboardBrowserTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return testClasses.getParent();
    }

    /** A headless Chromium process of this test; closing it stops the browser and its helper processes. */
    private static final class Browser implements AutoCloseable {
        private final Process process;
        private final String devtoolsHttp;
        private final List<DevTools> connections = new ArrayList<>();

        private Browser(Process process, String devtoolsHttp) {
            this.process = process;
            this.devtoolsHttp = devtoolsHttp;
        }

        static Browser start(Path profile) throws Exception {
            Files.createDirectories(profile);
            Process process = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--remote-debugging-port=0",
                    "--user-data-dir=" + profile, "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            CompletableFuture<String> endpoint = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = err.readLine()) != null) { // keep draining, or the browser blocks on a full pipe
                        Matcher m = DEVTOOLS.matcher(line);
                        if (m.find()) {
                            endpoint.complete(m.group(1));
                        }
                    }
                    endpoint.completeExceptionally(new IllegalStateException("chromium exited with "
                            + process.waitFor() + " before DevTools listened"));
                } catch (IOException | InterruptedException e) {
                    endpoint.completeExceptionally(e);
                }
            }, "chromium-stderr");
            reader.setDaemon(true);
            reader.start();
            Browser browser;
            try {
                URI ws = URI.create(endpoint.get(60, TimeUnit.SECONDS));
                browser = new Browser(process, "http://" + ws.getHost() + ":" + ws.getPort());
            } catch (Exception e) {
                process.destroyForcibly();
                throw e;
            }
            return browser;
        }

        /** A DevTools connection to the browser's first page. */
        DevTools page() throws Exception {
            HttpResponse<String> list = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(devtoolsHttp + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonArray targets = new JsonArray(list.body());
            for (int i = 0; i < targets.size(); i++) {
                JsonObject target = targets.getJsonObject(i);
                if ("page".equals(target.getString("type"))) {
                    DevTools devTools = DevTools.connect(URI.create(target.getString("webSocketDebuggerUrl")));
                    connections.add(devTools);
                    return devTools;
                }
            }
            throw new IllegalStateException("no page among the browser's targets: " + targets);
        }

        @Override
        public void close() {
            connections.forEach(DevTools::close);
            List<ProcessHandle> helpers = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            helpers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** A minimal Chrome DevTools protocol client over the JDK's WebSocket: commands and their results. */
    private static final class DevTools implements WebSocket.Listener {
        private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
        private final List<String> exceptions = new CopyOnWriteArrayList<>();
        private final AtomicInteger ids = new AtomicInteger();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static DevTools connect(URI uri) throws Exception {
            DevTools devTools = new DevTools();
            devTools.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(uri, devTools).get(30, TimeUnit.SECONDS);
            return devTools;
        }

        /** Sends a command and waits for its result; a protocol error fails with its message. */
        JsonObject call(String method, JsonObject params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonObject> answer = new CompletableFuture<>();
            pending.put(id, answer);
            socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true)
                    .get(30, TimeUnit.SECONDS);
            JsonObject message = answer.get(60, TimeUnit.SECONDS);
            if (message.containsKey("error")) {
                throw new IllegalStateException(method + " failed: " + message.getJsonObject("error"));
            }
            return message.getJsonObject("result", new JsonObject());
        }

        /** Uncaught JavaScript exceptions the page reported (after {@code Runtime.enable}). */
        List<String> exceptions() {
            return List.copyOf(exceptions);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject message = new JsonObject(partial.toString());
                partial.setLength(0);
                Integer id = message.getInteger("id");
                if (id != null) {
                    CompletableFuture<JsonObject> answer = pending.remove(id);
                    if (answer != null) {
                        answer.complete(message);
                    }
                } else if ("Runtime.exceptionThrown".equals(message.getString("method"))) {
                    exceptions.add(message.getJsonObject("params").encode());
                }
            }
            webSocket.request(1);
            return null;
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }
}
