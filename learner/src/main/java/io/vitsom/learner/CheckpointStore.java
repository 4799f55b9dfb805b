package io.vitsom.learner;

import io.vitsom.model.io.FileTree;
import ai.djl.ndarray.NDManager;
import io.vitsom.model.checkpoint.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner's versioned checkpoints: {@code <dir>/v000001}, {@code v000002}, ... Each is written atomically by
 * {@link Checkpoint#save}; the store picks version numbers, finds the newest checkpoint that verifies, and prunes
 * old ones.
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern NAME = Pattern.compile("v(\\d{6,})");

    private final Path dir;

    public CheckpointStore(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
    }

    /** The directory holding the versions. */
    public Path dir() {
        return dir;
    }

    /** The directory of {@code version}. */
    public Path path(long version) {
        return dir.resolve(String.format("v%06d", version));
    }

    /** Versions present on disk (valid or not), newest first. */
    public List<Long> versions() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Long> versions = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p)) {
                    versions.add(Long.parseLong(m.group(1)));
                }
            }
        }
        versions.sort(Comparator.reverseOrder());
        return versions;
    }

    /** The version number the next checkpoint gets: above every version on disk, corrupt ones included. */
    public long nextVersion() throws IOException {
        List<Long> versions = versions();
        return versions.isEmpty() ? 1 : versions.get(0) + 1;
    }

    /**
     * A loaded checkpoint and its version.
     *
     * @param version the version number
     * @param checkpoint the checkpoint
     */
    public record Found(long version, Checkpoint.Loaded checkpoint) {
    }

    /**
     * Loads the newest checkpoint that verifies, skipping (and logging) every newer one that does not.
     *
     * @return empty when there is no valid checkpoint
     */
    public Optional<Found> loadNewestValid(NDManager manager) throws IOException {
        return loadNewestValid(manager, new ArrayList<>());
    }

    /**
     * {@link #loadNewestValid(NDManager)}, adding to {@code problems} one line per version skipped and why, so a
     * caller that finds none can say what is wrong with each.
     */
    public Optional<Found> loadNewestValid(NDManager manager, List<String> problems) throws IOException {
        for (long version : versions()) {
            Path p = path(version);
            try {
                return Optional.of(new Found(version, Checkpoint.load(p, manager)));
            } catch (IOException | RuntimeException e) {
                // A checkpoint cut short by a crash or damaged on disk must not stop the learner: the previous
                // one is still a consistent state (model, optimizer and offsets together).
                LOG.warn("skipping checkpoint {}: {}", p, e.getMessage());
                problems.add(p.getFileName() + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Deletes what a crash in the middle of {@link Checkpoint#save} left behind (its hidden temporary
     * directories); they are never valid checkpoints.
     *
     * @return how many were removed
     */
    public int removeIncomplete() throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".v") && (name.contains(".tmp-") || name.contains(".old-"))) {
                    FileTree.deleteRecursively(p);
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Deletes all but the newest {@code keep} versions. */
    public void prune(int keep) throws IOException {
        List<Long> versions = versions();
        for (int i = keep; i < versions.size(); i++) {
            FileTree.deleteRecursively(path(versions.get(i)));
        }
    }

}
