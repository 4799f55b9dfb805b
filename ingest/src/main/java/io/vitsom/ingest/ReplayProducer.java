package io.vitsom.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.data.Splits;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.KafkaClients;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a dataset into the {@code images} topic: every image encoded as PNG, key
 * {@code <dataset>-<split>-<index>}, headers as {@link ImageRecord} describes (source {@code replay:<dataset>}, the
 * label when known, event time = send time), paced to a rate.
 *
 * <p>Usable from another thread: {@link #run()} blocks until the replay ends, {@link #stop()} (or interrupting the
 * running thread) ends it early after flushing what was sent, {@link #sentCount()} reads progress at any time.
 * A record the broker does not acknowledge stops the replay: {@link #run()} then throws, after counting it.
 */
public final class ReplayProducer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayProducer.class);
    /** How far behind schedule the replay may fall before it stops trying to catch up. */
    private static final long MAX_LAG_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Sends wait this long for the broker; past it the broker is considered gone. */
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String datasetName;
    private final List<Segment> segments;
    private final ReplayConfig config;
    private final ImageProducer producer;
    private final IngestMetrics metrics;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    /**
     * Loads the dataset at {@code dataset} (any format {@link DatasetLoader} reads) and prepares the replay; fails
     * here, before anything is sent, when the dataset is missing, corrupt, or lacks the requested split.
     *
     * @throws IOException when the dataset cannot be read
     */
    public static ReplayProducer open(Path dataset, ReplayConfig config, KafkaClients clients, MeterRegistry registry)
            throws IOException {
        Objects.requireNonNull(dataset, "dataset");
        LOG.info("loading dataset {}", dataset);
        return new ReplayProducer(DatasetLoader.load(dataset, null), config, clients, registry);
    }

    /**
     * Prepares the replay of an already loaded dataset. Nothing is sent before {@link #run()}.
     *
     * @throws IllegalArgumentException when the split is not in the dataset or selects no image
     */
    public ReplayProducer(Splits dataset, ReplayConfig config, KafkaClients clients, MeterRegistry registry) {
        Objects.requireNonNull(dataset, "dataset");
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clients, "clients");
        this.datasetName = dataset.name();
        this.segments = select(dataset, config);
        this.metrics = new IngestMetrics(registry, IngestMetrics.Source.REPLAY);
        int maxImageBytes = segments.stream().mapToInt(s -> s.images().imageSize()).max().orElseThrow();
        // A PNG can be slightly larger than the raw pixels (incompressible noise plus chunk framing).
        this.producer = new ImageProducer(clients, "vitsom-replay-" + datasetName, config.topic(),
                maxImageBytes + maxImageBytes / 8 + 1024, ACK_TIMEOUT);
    }

    /** Images the broker has acknowledged so far. */
    public long sentCount() {
        return sent.get();
    }

    /** Images per pass: the selected split(s), cut to the limit. */
    public long imagesPerPass() {
        return segments.stream().mapToLong(Segment::count).sum();
    }

    /**
     * Sends the images, paced to the configured rate, until the last one (or forever with {@code loop}), until
     * {@link #stop()} or until the thread is interrupted; then waits for the outstanding acknowledgements. May be
     * called once.
     *
     * @return what was sent
     * @throws KafkaException when the broker failed to acknowledge a record (the message says which and why)
     * @throws IllegalStateException when called a second time
     */
    public ReplaySummary run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("ReplayProducer.run() may be called only once");
        }
        long start = System.nanoTime();
        boolean interrupted = false;
        try {
            LOG.info("replaying {} images of {} ({}) into {} at {}{}", imagesPerPass(), datasetName,
                    config.split().name().toLowerCase(Locale.ROOT), config.topic().name(),
                    config.rate() == 0 ? "full speed" : config.rate() + " images/s", config.loop() ? ", looping" : "");
            interrupted = sendAll(start);
            // flush() refuses to run on an interrupted thread; the interrupt is restored below.
            Thread.interrupted();
            producer.flush();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            finished.countDown();
        }
        ReplaySummary summary = new ReplaySummary(sent.get(), failed.get(),
                Duration.ofNanos(System.nanoTime() - start));
        Throwable failure = firstFailure.get();
        if (failure != null) {
            throw new KafkaException("replay of " + datasetName + " to " + config.topic().name() + " stopped: "
                    + failure + " (" + summary + ")", failure);
        }
        LOG.info("{} of {}", summary, datasetName);
        return summary;
    }

    /** Asks {@link #run()} to stop after the current image; returns at once. Idempotent. */
    public void stop() {
        stopRequested.countDown();
    }

    /** Stops the replay, waits for {@link #run()} to finish (when running) and closes the producer. */
    @Override
    public void close() {
        stop();
        if (started.get()) {
            try {
                if (!finished.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("replay did not finish within {} after stop; closing the producer anyway", CLOSE_TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(CLOSE_TIMEOUT);
    }

    /** Returns whether the thread was interrupted. */
    private boolean sendAll(long start) {
        Pacer pacer = new Pacer(config.rate(), MAX_LAG_NANOS, start);
        long progressNanos = config.progressInterval().toNanos();
        long lastProgress = start;
        long sentAtLastProgress = 0;
        int pass = 0;
        do {
            pass++;
            if (pass > 1) {
                LOG.info("replay of {}: pass {}", datasetName, pass);
            }
            for (Segment segment : segments) {
                for (int index = 0; index < segment.count(); index++) {
                    if (stopRequested.getCount() == 0 || firstFailure.get() != null) {
                        return false;
                    }
                    long now = System.nanoTime();
                    long wait = pacer.reserve(now);
                    try {
                        if (wait > 0 && stopRequested.await(wait, TimeUnit.NANOSECONDS)) {
                            return false;
                        }
                    } catch (InterruptedException e) {
                        return true;
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        return true;
                    }
                    send(segment, index);
                    if (now - lastProgress >= progressNanos) {
                        long total = sent.get();
                        LOG.info(String.format(Locale.ROOT, "replay of %s: %d images sent, %.0f images/s",
                                datasetName, total, (total - sentAtLastProgress) * 1e9 / (now - lastProgress)));
                        lastProgress = now;
                        sentAtLastProgress = total;
                    }
                }
            }
        } while (config.loop());
        return false;
    }

    private void send(Segment segment, int index) {
        ImageSet images = segment.images();
        int n = images.imageSize();
        byte[] chw = Arrays.copyOfRange(images.pixels(), index * n, (index + 1) * n);
        byte[] png = ImageCodec.encodePng(images.channels(), images.height(), images.width(), chw);
        String key = datasetName + "-" + segment.split() + "-" + index;
        ImageRecord.Metadata metadata = new ImageRecord.Metadata(ImageRecord.PNG, "replay:" + datasetName,
                label(images, index), Instant.now());
        producer.send(key, png, metadata).whenComplete((acknowledged, error) -> {
            if (error == null) {
                sent.incrementAndGet();
                metrics.accepted();
            } else {
                failed.incrementAndGet();
                metrics.rejected(ImageProducer.failureReason(error));
                if (firstFailure.compareAndSet(null, error)) {
                    LOG.error("the broker did not acknowledge {}: {}", key, error.toString());
                }
            }
        });
    }

    private static Optional<String> label(ImageSet images, int index) {
        int label = images.labels()[index];
        if (label == ImageSet.NO_LABEL) {
            return Optional.empty();
        }
        // Class names when the dataset has them (image folders), the class number otherwise (MNIST).
        return Optional.of(label < images.classNames().size() ? images.classNames().get(label)
                : Integer.toString(label));
    }

    private static List<Segment> select(Splits dataset, ReplayConfig config) {
        List<Segment> selected = new ArrayList<>();
        switch (config.split()) {
            case TRAIN -> selected.add(new Segment("train", dataset.train(), dataset.train().size()));
            case TEST -> selected.add(new Segment("test", dataset.test().orElseThrow(() ->
                    new IllegalArgumentException("dataset " + dataset.name() + " has no test split; use --split "
                            + "train or all")), dataset.test().get().size()));
            case ALL -> {
                selected.add(new Segment("train", dataset.train(), dataset.train().size()));
                dataset.test().ifPresent(test -> selected.add(new Segment("test", test, test.size())));
            }
        }
        List<Segment> limited = new ArrayList<>();
        long remaining = config.limit() == 0 ? Long.MAX_VALUE : config.limit();
        for (Segment segment : selected) {
            int count = (int) Math.min(segment.count(), remaining);
            if (count > 0) {
                limited.add(new Segment(segment.split(), segment.images(), count));
                remaining -= count;
            }
        }
        if (limited.isEmpty()) {
            throw new IllegalArgumentException("nothing to replay: the " + config.split().name().toLowerCase(
                    Locale.ROOT) + " split of " + dataset.name() + " has no images");
        }
        return List.copyOf(limited);
    }

    /** The first {@code count} images of one split. */
    private record Segment(String split, ImageSet images, int count) {
    }
}
