package io.vitsom.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitsom.ingest.ReplayConfig;
import io.vitsom.learner.LearnerOptions;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.HostileImages;
import io.vitsom.model.data.ImageDecodeException;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.TestTopics;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile image corpus ({@link HostileImages}) pushed through every entrance of the running pipeline, each item
 * followed by a valid image: raw records on {@code images}, {@code POST /v1/images} of HTTP ingest, and
 * {@code POST /v1/assign} of serving. Every hostile item gets its reason (an HTTP status and reason, or a DLQ reason
 * header), every valid image is still assigned, and every service is still healthy at the end. (The folder watcher
 * and the dataset loaders have their own hostile tests in ingest and model.)
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class HostileInputTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final int REPLAYED = 600;

    @TempDir
    Path work;

    @Test
    void everyHostileItemThroughEveryEntranceGetsItsReasonAndTheValidImagesAreStillAssigned() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path mnist = root.getParent().resolve("shared/datasets/mnist");
        assertThat(mnist).as("MNIST IDX files under ../shared/datasets (see README)").isDirectory();
        VitSomConfig model = ConfigLoader.load(root.resolve("configs/vit_som_mnist.yaml"));
        ReplayConfig replay = ReplayConfig.defaults().withLimit(REPLAYED).withRate(0).withLoop(false);
        Pipeline.Settings settings = new Pipeline.Settings(model, TOPICS, Optional.of(mnist), replay,
                Optional.empty(), work, 0, 0, 0, 0, 0, 0,
                LearnerOptions.defaults().withCheckpoints(1, Duration.ZERO));
        List<HostileImages.Item> corpus = HostileImages.corpus();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        try (Pipeline pipeline = Pipeline.start(settings)) {
            String bootstrap = pipeline.bootstrapServers();
            String ingest = url(pipeline, "ingest");
            String serving = url(pipeline, "serving");
            Set<String> expectAssigned = new HashSet<>();
            Map<String, String> expectDlq = new TreeMap<>();

            // Raw Kafka records and HTTP uploads, each hostile item followed by a valid image.
            for (int i = 0; i < corpus.size(); i++) {
                HostileImages.Item item = corpus.get(i);
                TestTopics.produceImages(bootstrap, TOPICS.images().name(), new byte[][] {item.bytes(),
                        HostileImages.validPng(i)}, "kafka-" + item.name(), null);
                expect(item, "kafka-" + item.name() + "-0", expectAssigned, expectDlq);
                expectAssigned.add("kafka-" + item.name() + "-1");

                HttpResponse<String> uploaded = post(http, ingest + "/v1/images?key=http-" + item.name(), item.bytes());
                int expectedStatus = switch (item.reason()) {
                    case ImageDecodeException.TOO_LARGE -> 413;
                    case ImageDecodeException.EMPTY, ImageDecodeException.NOT_AN_IMAGE -> 400;
                    default -> 201;
                };
                assertThat(uploaded.statusCode()).as("ingest of %s: %s", item, uploaded.body())
                        .isEqualTo(expectedStatus);
                if (expectedStatus == 201) {
                    expect(item, "http-" + item.name(), expectAssigned, expectDlq);
                } else {
                    assertThat(new JsonObject(uploaded.body()).getString("error")).as(item.toString())
                            .isEqualTo(item.reason());
                }
                assertThat(post(http, ingest + "/v1/images?key=http-valid-" + i, HostileImages.validPng(i))
                        .statusCode()).isEqualTo(201);
                expectAssigned.add("http-valid-" + i);
            }

            // Every valid image assigned (the replay's too), every hostile one in the DLQ with its reason.
            int total = REPLAYED + expectAssigned.size();
            List<ConsumerRecord<byte[], byte[]>> assignments = TestTopics.read(bootstrap,
                    TOPICS.assignments().name(), total, Duration.ofMinutes(5), Duration.ofSeconds(2));
            Set<String> assigned = new HashSet<>();
            assignments.forEach(r -> assigned.add(TestTopics.key(r)));
            assertThat(assigned).containsAll(expectAssigned).hasSize(total);
            List<ConsumerRecord<byte[], byte[]>> dlq = TestTopics.read(bootstrap, TOPICS.imagesDlq().name(),
                    expectDlq.size(), Duration.ofSeconds(60), Duration.ofSeconds(1));
            Map<String, String> reasons = new TreeMap<>();
            dlq.forEach(r -> reasons.put(TestTopics.key(r), TestTopics.header(r, ImageRecord.DLQ_REASON)));
            assertThat(reasons).isEqualTo(expectDlq);

            // POST /v1/assign: 200 for the valid items, the reason for every other, 413 for the oversized.
            for (HostileImages.Item item : corpus) {
                HttpResponse<String> answer = post(http, serving + "/v1/assign", item.bytes());
                if (item.reason().equals(HostileImages.VALID)) {
                    assertThat(answer.statusCode()).as("assign of %s: %s", item, answer.body()).isEqualTo(200);
                } else {
                    assertThat(answer.statusCode()).as("assign of %s: %s", item, answer.body())
                            .isEqualTo(item.reason().equals(ImageDecodeException.TOO_LARGE) ? 413 : 400);
                    assertThat(new JsonObject(answer.body()).getString("reason")).as(item.toString())
                            .isEqualTo(item.reason());
                }
                assertThat(post(http, serving + "/v1/assign", HostileImages.validPng(1)).statusCode())
                        .isEqualTo(200);
            }

            // Nothing stopped: every service still says UP.
            for (String service : List.of("serving", "ingest", "learner", "validation")) {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(url(pipeline, service)
                        + "/health")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as("%s /health: %s", service, health.body()).isEqualTo(200);
            }
        }
    }

    private static void expect(HostileImages.Item item, String key, Set<String> assigned, Map<String, String> dlq) {
        if (item.reason().equals(HostileImages.VALID)) {
            assigned.add(key);
        } else {
            dlq.put(key, item.reason());
        }
    }

    private static HttpResponse<String> post(HttpClient http, String url, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code http://host:port} of a service, from the pipeline's endpoint line. */
    private static String url(Pipeline pipeline, String service) {
        String line = pipeline.endpoints().get(service);
        assertThat(line).as("endpoint of %s in %s", service, pipeline.endpoints()).isNotNull();
        return line.split("\\s+")[0];
    }
}
