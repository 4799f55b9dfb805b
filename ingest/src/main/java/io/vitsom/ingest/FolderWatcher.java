package io.vitsom.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.model.data.ImageDecodeException;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.KafkaClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns image files dropped into a folder into records of the {@code images} topic.
 *
 * <p>The folder is polled (more robust than {@code WatchService}, which misses events on network and container
 * file systems). A file is taken once its size and modification time were the same at two consecutive polls, so a
 * file still being copied is left alone; writers that pause longer than the poll interval should write under a
 * dot-name and rename when done, since dot-files are ignored. Sub-folders, among them {@value #DONE} and
 * {@value #REJECTED}, are ignored too.
 *
 * <p>PNG and JPEG files (recognised by their first bytes, whatever their extension) become one record each: key =
 * file name, source {@code folder:<file name>}, event time = the file's modification time. A file moves to
 * {@value #DONE}/ only after the broker acknowledged its record, under a new name ({@code a-1.png}) if the name is
 * taken; when the broker does not acknowledge, the file stays and is sent again at a later poll, so nothing is lost
 * (a crash between the acknowledgement and the move sends it twice: delivery is at least once). Other files
 * (empty, not an image, over the size limit, unreadable) move to {@value #REJECTED}/ with
 * {@code <name>}{@value #REASON_SUFFIX} next to them saying why.
 */
public final class FolderWatcher implements AutoCloseable {
    /** Sub-folder of files whose record was acknowledged. */
    public static final String DONE = "done";
    /** Sub-folder of files that are not images. */
    public static final String REJECTED = "rejected";
    /** Suffix of the file that explains a rejection. */
    public static final String REASON_SUFFIX = ".reason.txt";

    private static final Logger LOG = LoggerFactory.getLogger(FolderWatcher.class);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_NAME_ATTEMPTS = 100_000;

    private final FolderWatchConfig config;
    private final Path directory;
    private final Path done;
    private final Path rejected;
    private final ImageProducer producer;
    private final IngestMetrics metrics;
    // Owned by the polling thread: what each file looked like at the last poll, files whose record is on its way,
    // and files that could not be moved (skipped until they change, so a permission problem is logged once).
    private final Map<Path, FileState> lastSeen = new HashMap<>();
    private final Set<Path> inFlight = new HashSet<>();
    private final Map<Path, FileState> stuck = new HashMap<>();
    // Filled by the producer's I/O thread; the polling thread does the file moves.
    private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejectedCount = new AtomicLong();
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private String lastScanError;

    /**
     * Creates the folder and its {@value #DONE}/ and {@value #REJECTED}/ sub-folders when missing. Nothing is read
     * before {@link #run()}.
     *
     * @throws UncheckedIOException when the folders cannot be created
     */
    public FolderWatcher(FolderWatchConfig config, KafkaClients clients, MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clients, "clients");
        this.directory = config.directory().toAbsolutePath().normalize();
        this.done = directory.resolve(DONE);
        this.rejected = directory.resolve(REJECTED);
        try {
            Files.createDirectories(done);
            Files.createDirectories(rejected);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the watched folder " + directory + " and its " + DONE
                    + "/ and " + REJECTED + "/ sub-folders: " + e.getMessage(), e);
        }
        this.metrics = new IngestMetrics(registry, IngestMetrics.Source.FOLDER);
        this.producer = new ImageProducer(clients, "vitsom-folder-watcher", config.topic(), config.maxFileBytes(),
                ACK_TIMEOUT);
    }

    /** Files whose record the broker acknowledged so far. */
    public long acceptedCount() {
        return accepted.get();
    }

    /** Files moved to {@value #REJECTED}/ so far. */
    public long rejectedCount() {
        return rejectedCount.get();
    }

    /**
     * Polls the folder until {@link #stop()} or an interrupt, then waits for the outstanding acknowledgements and
     * moves their files. May be called once.
     *
     * @throws IllegalStateException when called a second time
     */
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("FolderWatcher.run() may be called only once");
        }
        LOG.info("watching {} every {} ms for PNG/JPEG files, into topic {}", directory,
                config.pollInterval().toMillis(), config.topic().name());
        boolean interrupted = false;
        try {
            while (true) {
                poll();
                if (stopRequested.await(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            // flush() refuses to run on an interrupted thread; the interrupt is restored below.
            Thread.interrupted();
            producer.flush();
            handleCompletions();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            finished.countDown();
        }
        LOG.info("stopped watching {}: {} files sent, {} rejected", directory, accepted.get(), rejectedCount.get());
    }

    /** Asks {@link #run()} to stop; returns at once. Idempotent. */
    public void stop() {
        stopRequested.countDown();
    }

    /** Stops watching, waits for {@link #run()} to finish (when running) and closes the producer. */
    @Override
    public void close() {
        stop();
        if (started.get()) {
            try {
                if (!finished.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("folder watcher did not finish within {} after stop; closing anyway", CLOSE_TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(CLOSE_TIMEOUT);
    }

    /** One look at the folder: finishes acknowledged files, then takes the files that stopped changing. */
    void poll() {
        handleCompletions();
        Set<Path> present = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path file : entries) {
                String name = file.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue;
                }
                if (!attributes.isRegularFile()) {
                    continue;
                }
                present.add(file);
                FileState state = new FileState(attributes.size(), attributes.lastModifiedTime());
                FileState before = lastSeen.put(file, state);
                if (!inFlight.contains(file) && state.equals(before) && !state.equals(stuck.get(file))) {
                    take(file, state);
                }
            }
            lastScanError = null;
        } catch (IOException e) {
            // The folder may be unmounted or deleted for a while; keep polling, but say so once.
            String message = e.toString();
            if (!message.equals(lastScanError)) {
                LOG.warn("cannot list {} (will keep trying): {}", directory, message);
                lastScanError = message;
            }
        }
        lastSeen.keySet().retainAll(present);
        stuck.keySet().retainAll(present);
    }

    private void take(Path file, FileState state) {
        String name = file.getFileName().toString();
        if (state.size() > config.maxFileBytes()) {
            reject(file, state, IngestMetrics.TOO_LARGE, "the file is " + state.size() + " bytes, the limit is "
                    + config.maxFileBytes());
            return;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            lastSeen.remove(file);
            return;
        } catch (IOException e) {
            reject(file, state, IngestMetrics.UNREADABLE, "cannot read the file: " + e);
            return;
        }
        if (bytes.length == 0) {
            reject(file, state, IngestMetrics.EMPTY, "the file is empty (0 bytes)");
            return;
        }
        Optional<ImageFormat> format = ImageFormat.sniff(bytes);
        if (format.isEmpty()) {
            reject(file, state, IngestMetrics.NOT_AN_IMAGE, "not a PNG or JPEG image ("
                    + ImageFormat.describePrefix(bytes) + ")");
            return;
        }
        try {
            ImageCodec.checkHeader(bytes, config.limits());
        } catch (ImageDecodeException e) {
            // Only the size is decided here (no decoder may allocate for it downstream); other damage is
            // validation's to judge, with the reason on the dead-letter topic.
            if (e.reason().equals(ImageDecodeException.TOO_LARGE)) {
                reject(file, state, ImageDecodeException.TOO_LARGE, e.getMessage());
                return;
            }
        }
        ImageRecord.Metadata metadata = new ImageRecord.Metadata(format.get().contentType(), "folder:" + name,
                Optional.empty(), state.modified().toInstant());
        inFlight.add(file);
        producer.send(name, bytes, metadata)
                .whenComplete((acknowledged, error) -> completions.add(new Completion(file, error)));
    }

    private void handleCompletions() {
        Completion completion;
        while ((completion = completions.poll()) != null) {
            Path file = completion.file();
            inFlight.remove(file);
            if (completion.error() != null) {
                metrics.rejected(ImageProducer.failureReason(completion.error()));
                LOG.warn("the broker did not acknowledge {}; it stays in place and is sent again: {}",
                        file.getFileName(), completion.error().toString());
                continue;
            }
            accepted.incrementAndGet();
            metrics.accepted();
            lastSeen.remove(file);
            try {
                Path target = moveToUniqueName(file, done);
                LOG.debug("sent {} -> {}", file.getFileName(), target);
            } catch (IOException e) {
                // The record is in Kafka; leaving the file would send it again, so remember not to.
                markStuck(file, "sent " + file.getFileName() + " but cannot move it to " + done, e);
            }
        }
    }

    private void reject(Path file, FileState state, String reason, String detail) {
        lastSeen.remove(file);
        try {
            Path target = moveToUniqueName(file, rejected);
            Files.writeString(reasonFile(target), reason + ": " + detail + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            rejectedCount.incrementAndGet();
            metrics.rejected(reason);
            LOG.info("rejected {} ({}: {})", file.getFileName(), reason, detail);
        } catch (IOException e) {
            lastSeen.put(file, state);
            markStuck(file, "cannot move the rejected file " + file.getFileName() + " (" + reason + ") to "
                    + rejected, e);
        }
    }

    private void markStuck(Path file, String what, IOException e) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            stuck.put(file, new FileState(attributes.size(), attributes.lastModifiedTime()));
            lastSeen.put(file, stuck.get(file));
            LOG.error("{}; leaving it until it changes: {}", what, e.toString());
        } catch (IOException gone) {
            LOG.error("{}: {}", what, e.toString());
        }
    }

    /**
     * Moves {@code file} into {@code folder} without replacing anything there: {@code a.png}, else {@code a-1.png},
     * {@code a-2.png}, ... A name counts as taken also when its reason file exists.
     */
    private static Path moveToUniqueName(Path file, Path folder) throws IOException {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        for (int attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
            Path target = folder.resolve(attempt == 0 ? name : stem + "-" + attempt + extension);
            if (Files.exists(reasonFile(target))) {
                continue;
            }
            try {
                // No REPLACE_EXISTING and no ATOMIC_MOVE (which may replace on Linux): an existing target fails.
                return Files.move(file, target);
            } catch (FileAlreadyExistsException e) {
                // taken: try the next name
            }
        }
        throw new IOException("no free name for " + name + " in " + folder + " after " + MAX_NAME_ATTEMPTS
                + " attempts");
    }

    private static Path reasonFile(Path target) {
        return target.resolveSibling(target.getFileName() + REASON_SUFFIX);
    }

    /** What a file looked like at one poll. */
    private record FileState(long size, FileTime modified) {
    }

    /** The broker's answer for one file ({@code error} is null on success). */
    private record Completion(Path file, Throwable error) {
    }
}
