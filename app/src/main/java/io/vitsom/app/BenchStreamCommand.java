package io.vitsom.app;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitsom.bench.ProcessStats;
import io.vitsom.ingest.ReplayConfig;
import io.vitsom.ingest.ReplayProducer;
import io.vitsom.ingest.ReplaySummary;
import io.vitsom.ingest.ValidationService;
import io.vitsom.ingest.ValidationServiceConfig;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.checkpoint.CodeVersion;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.data.Splits;
import io.vitsom.model.infer.VitSomPredictor;
import io.vitsom.model.nn.VitSom;
import io.vitsom.serving.BatchConfig;
import io.vitsom.serving.ServingConfig;
import io.vitsom.serving.ServingService;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.KafkaClientProperties;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import io.vitsom.stream.ValidationConfig;
import io.vitsom.stream.cli.KafkaConfigOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vitsom bench-stream}: speed of the streaming path on this machine. Ingest throughput (images/s into
 * {@code images}), serving throughput through Kafka (valid images assigned per second, end to end through validation
 * and serving) and end-to-end latency (event time to the assignment arriving at a consumer) at a fixed input rate.
 * The reference in the same run is the model alone: {@link VitSomPredictor#bmus} on the same images, no Kafka.
 * The learner does not run, so the numbers are serving's; the model is a freshly initialised one of the config
 * (speed does not depend on the weights).
 */
@Command(name = "bench-stream", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure ingest and serving throughput and end-to-end latency through the embedded broker.")
public final class BenchStreamCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "configs/vit_som_mnist.yaml",
            description = "model config (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--data", required = true, description = "dataset to replay, e.g. ../shared/datasets/mnist")
    Path data;

    // 60,000 and 20,000: with 20,000 and 5,000 the JIT compilers still took ~20% of the two cores during the
    // throughput phase (2,163 compilations, 514 deoptimisations in it), so it measured start-up, not a service.
    @Option(names = "--images", defaultValue = "60000",
            description = "images for the throughput phase (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--warmup-images", defaultValue = "20000",
            description = "images served before anything is measured, so the JIT compiler has settled (default: "
                    + "${DEFAULT-VALUE})")
    int warmupImages;

    @Option(names = "--rate", defaultValue = "500",
            description = "input rate of the latency phase, images/s (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--latency-seconds", defaultValue = "30",
            description = "length of the latency phase (default: ${DEFAULT-VALUE})")
    int latencySeconds;

    @Option(names = "--batch-size", defaultValue = "" + BatchConfig.DEFAULT_BATCH_SIZE,
            description = "serving batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--max-delay-ms", defaultValue = "20",
            description = "serving batch flush delay (default: ${DEFAULT-VALUE})")
    int maxDelayMs;

    // The embedded broker listens PLAINTEXT: the file is for client tuning here, not security settings.
    @Mixin
    KafkaConfigOption kafkaConfig = new KafkaConfigOption();

    @Option(names = "--out", defaultValue = "runs/bench-stream", description = "results folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        VitSomConfig model = ConfigLoader.load(config);
        // Read now: a bad file should fail before the minutes of the model-alone phase.
        KafkaClientProperties kafkaProperties = kafkaConfig.properties();
        Splits dataset = DatasetLoader.load(data, null);
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("vitsom-bench-stream-");
        Topics topics = Topics.defaults();
        ObjectNode results = JSON.createObjectNode();
        results.put("machine", ProcessStats.machine());
        results.put("code_version", CodeVersion.describe());
        results.put("created", Instant.now().toString());
        results.put("config", config.toString());
        results.put("dataset", data.toString());
        results.put("serving_batch_size", batchSize);
        results.put("serving_max_delay_ms", maxDelayMs);

        // Reference: the model alone on the same images, same batch size, no Kafka.
        Path checkpoint = work.resolve("model");
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(0);
            VitSom vitSom = VitSom.builder().setConfig(model).build();
            vitSom.initialize(manager);
            Checkpoint.save(checkpoint, vitSom, Map.of(), 0, 0, 0, null);
            VitSomPredictor predictor = new VitSomPredictor(vitSom, manager);
            ImageSet train = dataset.train();
            int n = Math.min(16384, train.size());
            predictor.bmus(train.batch(IntStream.range(0, batchSize).toArray()), batchSize); // warm-up
            long start = System.nanoTime();
            for (int s = 0; s + batchSize <= n; s += batchSize) {
                predictor.bmus(train.batch(IntStream.range(s, s + batchSize).toArray()), batchSize);
            }
            double modelAlone = (n / batchSize * batchSize) / ((System.nanoTime() - start) / 1e9);
            results.put("model_alone_images_per_second", round(modelAlone));
            System.out.printf("model alone (bmus, batch %d): %.0f images/s%n", batchSize, modelAlone);
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(work.resolve("kafka"), 0, 0))) {
            KafkaClients clients = KafkaClients.of(kafka.bootstrapServers(), kafkaProperties);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (ValidationService validation = new ValidationService(ValidationServiceConfig.of(
                    ValidationConfig.strict(model)).withTopics(topics).withStateDir(work.resolve("streams")), clients,
                    registry);
                 ServingService serving = ServingService.start(new ServingConfig(
                         ServingConfig.DEFAULT_APPLICATION_ID, 1, ServingConfig.ProcessingGuarantee.AT_LEAST_ONCE,
                         new BatchConfig(batchSize, Duration.ofMillis(maxDelayMs)), work.resolve("streams")),
                         clients, topics, registry);
                 AssignmentReader reader = new AssignmentReader(clients, topics)) {
                validation.start();
                publish(clients, topics, checkpoint, model);
                serving.models().awaitFirst(Duration.ofMinutes(2)).orElseThrow(
                        () -> new IllegalStateException("serving did not load the model within 2 minutes"));
                reader.start();

                // Warm-up: a long-running service is measured, not the first seconds of a JVM in which the JIT
                // compilers take a good part of the two cores.
                if (warmupImages > 0) {
                    System.out.printf("warm-up: %d images, not measured%n", warmupImages);
                    replay(dataset, ReplayConfig.defaults().withSplit(ReplayConfig.Split.TEST).withLimit(0).withRate(0)
                            .withLoop(true), clients, registry, warmupImages);
                    reader.awaitCount(warmupImages, Duration.ofMinutes(10));
                }
                results.put("warmup_images", warmupImages);

                // Throughput: everything at once, as fast as the broker acknowledges.
                System.out.printf("throughput phase: %d images as fast as possible%n", images);
                long phaseStart = System.currentTimeMillis();
                reader.reset(phaseStart);
                ReplaySummary ingest = replay(dataset, ReplayConfig.defaults().withLimit(images).withRate(0)
                        .withLoop(images > dataset.train().size()), clients, registry, images);
                List<long[]> done = reader.awaitCount(images, Duration.ofMinutes(10));
                long lastArrival = done.stream().mapToLong(r -> r[1]).max().orElse(phaseStart);
                double servingRate = done.size() / ((lastArrival - phaseStart) / 1000.0);
                results.put("throughput_images", images);
                results.put("ingest_images_per_second", round(ingest.imagesPerSecond()));
                results.put("serving_images_per_second_end_to_end", round(servingRate));
                results.put("throughput_assigned", done.size());
                System.out.printf("ingest %.0f images/s; served %d images end to end at %.0f images/s%n",
                        ingest.imagesPerSecond(), done.size(), servingRate);

                // Latency at a fixed input rate.
                reader.reset(System.currentTimeMillis());
                int latencyImages = (int) (rate * latencySeconds);
                System.out.printf("latency phase: %.0f images/s for %d s%n", rate, latencySeconds);
                replay(dataset, ReplayConfig.defaults().withSplit(ReplayConfig.Split.TEST).withLimit(0).withRate(rate)
                        .withLoop(true), clients, registry, latencyImages);
                List<long[]> timed = reader.awaitCount(latencyImages, Duration.ofMinutes(5));
                long[] latencies = timed.stream().mapToLong(r -> r[1] - r[0]).sorted().toArray();
                ObjectNode latency = results.putObject("latency_ms");
                latency.put("input_rate_images_per_second", rate);
                latency.put("images", latencies.length);
                latency.put("p50", percentile(latencies, 0.50));
                latency.put("p95", percentile(latencies, 0.95));
                latency.put("p99", percentile(latencies, 0.99));
                latency.put("max", latencies.length == 0 ? 0 : latencies[latencies.length - 1]);
                System.out.printf("latency at %.0f images/s over %d images: p50 %d ms, p95 %d ms, p99 %d ms%n", rate,
                        latencies.length, percentile(latencies, 0.50), percentile(latencies, 0.95),
                        percentile(latencies, 0.99));
            }
        }
        results.put("peak_rss_mb", round(ProcessStats.peakRssMb()));
        JSON.writeValue(out.resolve("results.json").toFile(), results);
        Files.writeString(out.resolve("results.md"), markdown(results));
        System.out.print(markdown(results));
        System.out.println("wrote " + out.resolve("results.json") + " and results.md");
        return 0;
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Sends {@code count} images with the given replay settings (stopping a looping replay at the count). */
    private static ReplaySummary replay(Splits dataset, ReplayConfig replayConfig, KafkaClients clients,
                                        SimpleMeterRegistry registry, int count) throws InterruptedException {
        try (ReplayProducer replay = new ReplayProducer(dataset, replayConfig, clients, registry)) {
            AtomicBoolean finished = new AtomicBoolean();
            ReplaySummary[] summary = new ReplaySummary[1];
            Thread thread = new Thread(() -> {
                summary[0] = replay.run();
                finished.set(true);
            }, "bench-replay");
            thread.start();
            while (!finished.get() && replay.sentCount() < count) {
                Thread.sleep(5);
            }
            replay.stop();
            thread.join();
            return summary[0];
        }
    }

    private static void publish(KafkaClients clients, Topics topics, Path checkpoint, VitSomConfig model) {
        Messages.ModelVersion version = new Messages.ModelVersion(1, 0, 0, checkpoint.toString(),
                Instant.now().toString(), CodeVersion.describe(), 0, model.som().rows(), model.som().cols(),
                model.som().topology().name().toLowerCase(java.util.Locale.ROOT), Map.of());
        var props = clients.base("vitsom-bench-stream");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topics.models().name(), "v000001", Messages.toJson(version)));
        }
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String markdown(ObjectNode r) {
        ObjectNode l = (ObjectNode) r.get("latency_ms");
        return """
                # Streaming benchmark

                Machine: %s. Code %s, %s. Config %s, data %s; serving batch %d, flush after %d ms.
                The learner is not running; model = freshly initialised weights of the config; %d images served
                before measuring (warm-up).

                | measure | value |
                |---|---|
                | model alone (`bmus`, no Kafka), images/s | %.0f |
                | ingest into `images`, images/s (%d images, as fast as acknowledged) | %.0f |
                | serving through Kafka end to end (validation + serving), images/s | %.0f |
                | end-to-end latency at %.0f images/s input: p50 / p95 / p99 / max, ms (%d images) | %d / %d / %d / %d |
                | peak RSS, MB | %.0f |
                """.formatted(r.get("machine").asText(), r.get("code_version").asText(), r.get("created").asText(),
                r.get("config").asText(), r.get("dataset").asText(), r.get("serving_batch_size").asInt(),
                r.get("serving_max_delay_ms").asInt(), r.get("warmup_images").asInt(),
                r.get("model_alone_images_per_second").asDouble(),
                r.get("throughput_images").asInt(), r.get("ingest_images_per_second").asDouble(),
                r.get("serving_images_per_second_end_to_end").asDouble(),
                l.get("input_rate_images_per_second").asDouble(), l.get("images").asInt(), l.get("p50").asLong(),
                l.get("p95").asLong(), l.get("p99").asLong(), l.get("max").asLong(), r.get("peak_rss_mb").asDouble());
    }

    /** Reads som.assignments on its own thread and records (event time, arrival time) per assignment. */
    private static final class AssignmentReader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String topic;
        private final List<long[]> arrivals = new ArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile long since;
        private Thread thread;

        AssignmentReader(KafkaClients clients, Topics topics) {
            var props = clients.base("vitsom-bench-reader");
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "vitsom-bench-" + UUID.randomUUID());
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
            this.consumer = new KafkaConsumer<>(props);
            this.topic = topics.assignments().name();
        }

        void start() {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            thread = new Thread(() -> {
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.currentTimeMillis();
                        long eventTime = Messages.fromJson(r.value(), Messages.Bmu.class).eventTime();
                        if (eventTime < since) {
                            continue; // a straggler of the previous phase
                        }
                        synchronized (arrivals) {
                            arrivals.add(new long[] {eventTime, now});
                        }
                    }
                }
            }, "bench-assignment-reader");
            thread.start();
        }

        /** Forgets what arrived so far and from now on records only images produced at or after {@code eventTime}. */
        void reset(long eventTime) {
            synchronized (arrivals) {
                since = eventTime;
                arrivals.clear();
            }
        }

        List<long[]> awaitCount(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                synchronized (arrivals) {
                    if (arrivals.size() >= count) {
                        return new ArrayList<>(arrivals);
                    }
                }
                Thread.sleep(20);
            }
            synchronized (arrivals) {
                System.out.printf("warning: only %d of %d assignments arrived within %s%n", arrivals.size(), count,
                        timeout);
                return new ArrayList<>(arrivals);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join();
            }
            consumer.close();
        }
    }
}
