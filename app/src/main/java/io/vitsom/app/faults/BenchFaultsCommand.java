package io.vitsom.app.faults;

import io.vitsom.model.io.FileTree;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitsom.ingest.ReplayConfig;
import io.vitsom.ingest.ReplayProducer;
import io.vitsom.ingest.ValidationService;
import io.vitsom.ingest.ValidationServiceConfig;
import io.vitsom.learner.CheckpointStore;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.model.data.Splits;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import io.vitsom.stream.ValidationConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vitsom bench-faults}: replays a dataset through the real pipeline (embedded broker and validation in this
 * process; the learner and two serving instances as child JVMs) while injecting faults drawn from one seed: SIGKILLs
 * of the learner (some timed into a checkpoint write), a broker restart, a SIGKILL of one serving instance, and a
 * truncated and a bit-flipped checkpoint. Then it audits what survived: exactly-once training from the checkpoints'
 * offset ranges, completeness from {@code som.assignments}, and the order of published model versions; writes
 * {@code faults.json} and {@code faults.md}.
 */
@Command(name = "bench-faults", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Inject learner/broker/serving crashes and corrupt checkpoints into a replay; audit exactly-once "
                + "training and assignment completeness.")
public final class BenchFaultsCommand implements Callable<Integer> {
    private static final String SERVING_APPLICATION_ID = "vitsom-serving-faults";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--data", required = true, description = "dataset to replay, e.g. ../shared/datasets/mnist")
    Path data;

    @Option(names = "--config", defaultValue = "configs/vit_som_mnist.yaml",
            description = "model config (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--kills", defaultValue = "20", description = "learner SIGKILLs (default: ${DEFAULT-VALUE})")
    int kills;

    @Option(names = "--seed", description = "seed of the fault schedule (default: a new one, printed)")
    Long seed;

    @Option(names = "--images", defaultValue = "3000",
            description = "images replayed from the training split (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--rate", defaultValue = "10",
            description = "replay rate, images/s; slow enough that the kills land mid-stream "
                    + "(default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--checkpoint-every-steps", defaultValue = "1",
            description = "learner checkpoint interval; 1 gives the kills the most writes to hit (default: "
                    + "${DEFAULT-VALUE})")
    long checkpointEverySteps;

    @Option(names = "--batch-timeout", defaultValue = "2s",
            description = "learner: train a partial batch after this wait (default: ${DEFAULT-VALUE})")
    String batchTimeout;

    @Option(names = "--max-kill-delay-ms", defaultValue = "3000",
            description = "a timed kill comes 0 to this many ms after the learner's first checkpoint since its start "
                    + "(default: ${DEFAULT-VALUE})")
    int maxKillDelayMs;

    @Option(names = "--child-heap", defaultValue = "2g",
            description = "-Xmx of each child JVM (default: ${DEFAULT-VALUE})")
    String childHeap;

    @Option(names = "--out", defaultValue = "runs/bench-faults",
            description = "results folder; its work/ sub-folder (broker, checkpoints, logs) is replaced "
                    + "(default: ${DEFAULT-VALUE})")
    Path out;

    private final Topics topics = Topics.defaults();
    private final List<String> events = new ArrayList<>();
    private long started;

    @Override
    public Integer call() throws Exception {
        if (kills < 1) {
            throw new IllegalArgumentException("--kills must be >= 1, got " + kills);
        }
        if (maxKillDelayMs < 1) {
            throw new IllegalArgumentException("--max-kill-delay-ms must be >= 1, got " + maxKillDelayMs);
        }
        long runSeed = seed != null ? seed : System.nanoTime() & Long.MAX_VALUE;
        started = System.nanoTime();
        System.out.printf("bench-faults seed %d (--seed %d repeats this fault schedule; the timing of the "
                + "processes varies)%n", runSeed, runSeed);
        MapModelConfig model = MapModels.load(config);
        Splits dataset = DatasetLoader.load(data, null);
        int replayed = Math.min(images, dataset.train().size());
        Path work = out.resolve("work");
        FileTree.deleteRecursively(work);
        Files.createDirectories(work);
        // The run draws from the same generator after the schedule (which serving instance, where to corrupt).
        Random random = new Random(runSeed);
        FaultRun run = new FaultRun(random, FaultSchedule.draw(random, kills, maxKillDelayMs), work, model, dataset,
                replayed);
        // Ctrl-C or SIGTERM skips the finally below: the children must not outlive the bench (a stray learner
        // would keep the checkpoint directory's lock and train into it).
        Thread reaper = new Thread(run::killChildren, "bench-faults-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        ObjectNode results;
        try {
            run.execute();
            // Audited while the broker still runs; the children are stopped by now or stop below.
            results = run.results(runSeed);
        } finally {
            run.shutdown();
            Runtime.getRuntime().removeShutdownHook(reaper);
        }
        JSON.writeValue(out.resolve("faults.json").toFile(), results);
        String markdown = FaultReport.markdown(results, events, rate, checkpointEverySteps, maxKillDelayMs);
        Files.writeString(out.resolve("faults.md"), markdown);
        System.out.print(markdown);
        System.out.println("wrote " + out.resolve("faults.json") + " and faults.md");
        return 0;
    }

    private void event(String text) {
        String line = String.format("%6.1f s  %s", (System.nanoTime() - started) / 1e9, text);
        events.add(line);
        System.out.println(line);
    }

    /**
     * One run: the services, the faults as scheduled, and what was counted. Confined to the command's thread, but
     * for the shutdown hook's {@link #killChildren()}.
     */
    private final class FaultRun {
        private final Random random;
        private final FaultSchedule schedule;
        private final Path work;
        private final Path checkpoints;
        private final MapModelConfig model;
        private final Splits dataset;
        private final int replayed;
        private EmbeddedKafka kafka;
        private int port;
        private KafkaClients clients;
        /** Reads the end offsets of images.valid while the faults run; survives the broker restart. */
        private KafkaConsumer<byte[], byte[]> probe;
        private List<TopicPartition> inputPartitions;
        private ValidationService validation;
        private ReplayProducer replay;
        private Thread replayThread;
        private final AtomicReference<Throwable> replayFailure = new AtomicReference<>();
        // Also read by the shutdown hook's thread.
        private final List<ChildJvm> serving = new CopyOnWriteArrayList<>();
        private volatile ChildJvm learner;
        private int learnerStarts;
        private final List<Path> learnerLogs = new ArrayList<>();
        private int killCount;
        private int killsDuringWrite;
        private int writeWindowKills;
        private int brokerRestarts;
        private int servingFailovers;
        private final CheckpointCorruptor corruptor;

        FaultRun(Random random, FaultSchedule schedule, Path work, MapModelConfig model, Splits dataset,
                 int replayed) {
            this.random = random;
            this.schedule = schedule;
            this.work = work;
            this.checkpoints = work.resolve("checkpoints").toAbsolutePath();
            this.corruptor = new CheckpointCorruptor(checkpoints);
            this.model = model;
            this.dataset = dataset;
            this.replayed = replayed;
        }

        void execute() throws Exception {
            kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(work.resolve("kafka"), 0, 0));
            String bootstrap = kafka.bootstrapServers();
            port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
            clients = KafkaClients.of(bootstrap);
            try (var admin = clients.admin("vitsom-bench-faults")) {
                topics.createMissing(admin, (short) 1, Duration.ofSeconds(60));
            }
            var probeProps = clients.base("vitsom-bench-faults-probe");
            probeProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            probeProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            probe = new KafkaConsumer<>(probeProps);
            String input = topics.imagesValid().name();
            inputPartitions = probe.partitionsFor(input, Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(input, p.partition())).toList();
            // Assigned (never polled) so that the client keeps the partitions' offsets without warnings.
            probe.assign(inputPartitions);
            validation = new ValidationService(ValidationServiceConfig.of(ValidationConfig.strict(model))
                    .withTopics(topics).withStateDir(work.resolve("validation-state")), clients,
                    new SimpleMeterRegistry());
            validation.start();
            for (String name : List.of("a", "b")) {
                serving.add(ChildJvm.start("serving-" + name, work.resolve("logs/serving-" + name + ".log"), childHeap,
                        List.of("serve", "--bootstrap", bootstrap, "--port", "0", "--application-id",
                                SERVING_APPLICATION_ID, "--state-dir", work.resolve("serving-" + name).toString())));
            }
            event("broker on " + bootstrap + ", validation in-process, serving-a (pid " + serving.get(0).pid()
                    + ") and serving-b (pid " + serving.get(1).pid() + ") with application id "
                    + SERVING_APPLICATION_ID);
            startLearner();
            // The replay starts once the learner reads, so that the kills land in a live stream, not after it.
            await("the learner to start reading", Duration.ofMinutes(5), () -> {
                requireAlive(learner);
                return learner.logText().contains("learner reading");
            });
            replay = new ReplayProducer(dataset, ReplayConfig.defaults().withLimit(replayed).withRate(rate), clients,
                    new SimpleMeterRegistry());
            replayThread = new Thread(() -> {
                try {
                    replay.run();
                } catch (RuntimeException e) {
                    replayFailure.set(e);
                }
            }, "bench-faults-replay");
            replayThread.start();
            event("replaying " + replayed + " images at " + rate + " images/s");

            for (int i = 0; i < schedule.kills().size(); i++) {
                awaitProgress();
                if (schedule.restartsBrokerBefore(i)) {
                    restartBroker();
                    awaitProgress();
                }
                if (schedule.killsServingBefore(i)) {
                    killServing();
                }
                killLearner(schedule.kills().get(i));
                if (schedule.mayCorruptAfter(i) && !corruptor.injected()) {
                    // The learner is stopped: nothing rewrites the damaged files before its restart reads them.
                    corruptor.corrupt(random).ifPresent(c -> event(c.describe(checkpoints)));
                }
                startLearner();
            }
            awaitProgress();
            if (!corruptor.injected()) {
                event("corruption not injected: fewer than 3 valid checkpoints at every chance");
            }
            finish();
        }

        private void startLearner() throws IOException {
            learnerStarts++;
            Path log = work.resolve("logs/learner-" + learnerStarts + ".log");
            learnerLogs.add(log);
            learner = ChildJvm.start("learner", log, childHeap, List.of("learn", "--bootstrap",
                    "127.0.0.1:" + port, "--config", config.toAbsolutePath().toString(), "--checkpoint-dir",
                    checkpoints.toString(), "--checkpoint-every-steps", Long.toString(checkpointEverySteps),
                    "--checkpoint-every", "0s", "--keep", "1000000", "--horizon-images", Integer.toString(replayed),
                    "--batch-timeout", batchTimeout, "--device", "cpu", "--port", "0"));
        }

        /**
         * Waits until the learner has restored its state and then written a checkpoint (or has nothing left to
         * train), so that every kill interrupts a learner that resumed and made progress.
         */
        private void awaitProgress() throws Exception {
            long since = newestVersion();
            await("the learner to resume and checkpoint", Duration.ofMinutes(5), () -> {
                requireAlive(learner);
                if (!learner.logText().contains("learner reading")) {
                    return false;
                }
                checkCorruptionDetected();
                return newestVersion() > since || caughtUp();
            });
        }

        private void checkCorruptionDetected() throws IOException {
            if (corruptor.restartPending()) {
                corruptor.checkRestart(learner.logText()).forEach((version, skipped) -> event("learner restart "
                        + (skipped ? "skipped" : "did NOT report") + " corrupt checkpoint "
                        + String.format("v%06d", version)));
            }
        }

        private void restartBroker() {
            kafka.close();
            event("broker stopped");
            kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(work.resolve("kafka"), port, 0));
            brokerRestarts++;
            event("broker restarted on the same data and port");
        }

        private void killServing() throws InterruptedException {
            ChildJvm victim = serving.get(random.nextInt(serving.size()));
            int status = victim.kill();
            servingFailovers++;
            event("SIGKILL " + victim.name() + " (pid " + victim.pid() + ", exit " + status
                    + "); the other instance takes over its partitions");
        }

        private void killLearner(FaultSchedule.Kill kill) throws Exception {
            String how;
            if (kill.intoWrite()) {
                writeWindowKills++;
                // Poll for the hidden temporary directory of a checkpoint being written and kill at first sight.
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                boolean seen = false;
                long nextCheck = 0;
                while (System.nanoTime() < deadline && !(seen = writeInProgress())) {
                    if (System.nanoTime() > nextCheck) {
                        // Asking the broker takes milliseconds: only now and then, not between directory polls.
                        requireAlive(learner);
                        if (caughtUp()) {
                            break;
                        }
                        nextCheck = System.nanoTime() + Duration.ofMillis(200).toNanos();
                    }
                    Thread.sleep(1);
                }
                how = seen ? "as a checkpoint write began" : "(no checkpoint write within reach: caught up)";
            } else {
                Thread.sleep(kill.delayMs());
                how = kill.delayMs() + " ms after its checkpoint";
            }
            requireAlive(learner);
            int status = learner.kill();
            killCount++;
            boolean leftTmp = writeInProgress();
            if (leftTmp) {
                killsDuringWrite++;
            }
            event(String.format("kill %d/%d: SIGKILL learner %s (exit %d)%s", killCount, kills, how, status,
                    leftTmp ? ", an incomplete checkpoint write left behind" : ""));
        }

        /** Replay done, validation through, the learner's newest checkpoint at the end of images.valid, all served. */
        private void finish() throws Exception {
            await("the replay to finish", Duration.ofMinutes(10), () -> {
                requireReplayOk();
                return !replayThread.isAlive();
            });
            requireReplayOk();
            event("replay done: " + replay.sentCount() + " images sent");
            await("validation to pass every image on", Duration.ofMinutes(5), Duration.ofSeconds(1), () -> {
                Set<String> seen = new HashSet<>(FaultAudit.keys(clients, topics.imagesValid().name()));
                seen.addAll(FaultAudit.keys(clients, topics.imagesDlq().name()));
                return seen.size() >= replay.sentCount();
            });
            await("the learner to train everything", Duration.ofMinutes(10), () -> {
                requireAlive(learner);
                return caughtUp();
            });
            int status = learner.stop(120);
            event("learner caught up and stopped with SIGTERM (exit " + status + ")");
            Set<String> input = new HashSet<>(FaultAudit.keys(clients, topics.imagesValid().name()));
            await("serving to assign every image", Duration.ofMinutes(5), Duration.ofSeconds(1), () ->
                    new HashSet<>(FaultAudit.keys(clients, topics.assignments().name())).containsAll(input));
            event("every key of images.valid assigned");
        }

        private boolean caughtUp() {
            if (replayThread == null || replayThread.isAlive()) {
                return false;
            }
            try {
                long newestNumber = newestVersion();
                if (newestNumber == 0) {
                    return false;
                }
                FaultAudit.Version newest = FaultAudit.version(new CheckpointStore(checkpoints), newestNumber);
                Map<Integer, Long> end = new TreeMap<>();
                probe.endOffsets(inputPartitions, Duration.ofSeconds(10))
                        .forEach((tp, offset) -> end.put(tp.partition(), offset));
                return newest.valid() && newest.offsets().equals(end);
            } catch (IOException | RuntimeException e) {
                return false; // the broker restarting, or a version being written: not caught up yet
            }
        }

        private long newestVersion() throws IOException {
            List<Long> versions = new CheckpointStore(checkpoints).versions();
            return versions.isEmpty() ? 0 : versions.get(0);
        }

        private boolean writeInProgress() throws IOException {
            if (!Files.isDirectory(checkpoints)) {
                return false;
            }
            try (Stream<Path> entries = Files.list(checkpoints)) {
                return entries.anyMatch(p -> p.getFileName().toString().startsWith(".v")
                        && p.getFileName().toString().contains(".tmp-"));
            }
        }

        private void requireReplayOk() {
            if (replayFailure.get() != null) {
                throw new IllegalStateException("the replay failed: " + replayFailure.get().getMessage(),
                        replayFailure.get());
            }
        }

        private void requireAlive(ChildJvm child) throws IOException {
            if (!child.isAlive()) {
                String log = child.logText();
                throw new IllegalStateException(child.name() + " (pid " + child.pid() + ") died unexpectedly (exit "
                        + child.exitStatus() + "); its log "
                        + child.log() + " ends:\n" + log.substring(Math.max(0, log.length() - 4000)));
            }
        }

        /** {@code faults.json}: the audit of what the faults left, with what this run counted. */
        ObjectNode results(long runSeed) throws IOException {
            FaultAudit.Findings findings = FaultAudit.audit(clients, topics, checkpoints, learnerLogs);
            return FaultReport.json(new FaultReport.Tally(runSeed, replay == null ? 0 : replay.sentCount(),
                    Math.round((System.nanoTime() - started) / 1e8) / 10.0, killCount, writeWindowKills,
                    killsDuringWrite, brokerRestarts, servingFailovers, learnerStarts, corruptor.versions().size(),
                    corruptor.detected(findings.versions())), findings);
        }

        /** SIGKILLs every child still running; for the shutdown hook. */
        void killChildren() {
            List<ChildJvm> children = new ArrayList<>(serving);
            if (learner != null) {
                children.add(learner);
            }
            for (ChildJvm child : children) {
                if (child.isAlive()) {
                    child.destroyNow();
                }
            }
        }

        /** Stops whatever still runs; children by SIGTERM, then the in-process services and the broker. */
        void shutdown() {
            if (replay != null) {
                replay.stop();
            }
            List<ChildJvm> children = new ArrayList<>(serving);
            if (learner != null) {
                children.add(learner);
            }
            children.stream().filter(ChildJvm::isAlive).forEach(ChildJvm::requestStop);
            for (ChildJvm child : children) {
                try {
                    child.awaitStop(60);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    System.err.println("stopping " + child.name() + " failed: " + e.getMessage());
                }
            }
            if (replay != null) {
                replay.close();
            }
            if (probe != null) {
                probe.close();
            }
            if (validation != null) {
                validation.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    /** Polls {@code condition} every 100 ms until it holds; fails naming {@code what} after {@code timeout}. */
    private static void await(String what, Duration timeout, Check condition) throws Exception {
        await(what, timeout, Duration.ofMillis(100), condition);
    }

    /** {@link #await(String, Duration, Check)} polling every {@code interval}. */
    private static void await(String what, Duration timeout, Duration interval, Check condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(interval.toMillis());
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

}
