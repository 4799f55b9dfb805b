package io.vitsom.app.faults;

import io.vitsom.learner.CheckpointStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Damages the learner's checkpoints as a disk might, once per run and while the learner is stopped: the largest
 * parameter file of the newest valid version is cut to half its length, and one bit of the largest parameter file
 * of the version before is flipped. It remembers the two versions, so that the learner's next start can be checked
 * for skipping them and the audit for their failing verification.
 */
final class CheckpointCorruptor {
    /** Besides the two corrupted, one valid version must remain, or the learner refuses to start. */
    static final int MIN_VALID_VERSIONS = 3;

    private final CheckpointStore store;
    private final Set<Long> corrupted = new TreeSet<>();
    private boolean restartPending;
    private int skipped;

    /** Corrupts versions of the learner's checkpoint directory {@code checkpoints}. */
    CheckpointCorruptor(Path checkpoints) {
        store = new CheckpointStore(checkpoints);
    }

    /**
     * What was damaged.
     *
     * @param truncated the file cut short
     * @param sizeBefore its length before, in bytes (it keeps half, rounded down)
     * @param flipped the file with the flipped bit
     * @param position the byte of {@code flipped} that was changed
     * @param bit which bit of that byte, 0 the least significant
     */
    record Corruption(Path truncated, long sizeBefore, Path flipped, long position, int bit) {
        /** One line for the run's events, the files named relative to {@code checkpoints}. */
        String describe(Path checkpoints) {
            return String.format("corrupted checkpoints: truncated %s (%d -> %d bytes), flipped bit %d of byte %d in "
                            + "%s",
                    checkpoints.relativize(truncated), sizeBefore, sizeBefore / 2, bit, position,
                    checkpoints.relativize(flipped));
        }
    }

    /**
     * Corrupts the two newest valid versions, drawing the flipped byte's position and then its bit from
     * {@code random} (the order is part of what a {@code bench-faults} seed names). Does nothing and draws nothing
     * when fewer than {@link #MIN_VALID_VERSIONS} valid versions exist.
     *
     * @return what was damaged, or empty when nothing was
     */
    Optional<Corruption> corrupt(Random random) throws IOException {
        if (injected()) {
            throw new IllegalStateException("checkpoints were corrupted already: versions " + corrupted);
        }
        List<FaultAudit.Version> valid = FaultAudit.versions(store.dir()).stream()
                .filter(FaultAudit.Version::valid).toList();
        if (valid.size() < MIN_VALID_VERSIONS) {
            return Optional.empty();
        }
        long newest = valid.get(valid.size() - 1).version();
        long previous = valid.get(valid.size() - 2).version();
        Path truncated = largestParam(newest);
        long size = Files.size(truncated);
        try (RandomAccessFile f = new RandomAccessFile(truncated.toFile(), "rw")) {
            f.setLength(size / 2);
        }
        Path flipped = largestParam(previous);
        long position = (long) (random.nextDouble() * Files.size(flipped));
        int bit = random.nextInt(8);
        try (RandomAccessFile f = new RandomAccessFile(flipped.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ (1 << bit));
        }
        corrupted.add(newest);
        corrupted.add(previous);
        restartPending = true;
        return Optional.of(new Corruption(truncated, size, flipped, position, bit));
    }

    /** Whether checkpoints were corrupted. */
    boolean injected() {
        return !corrupted.isEmpty();
    }

    /** The versions corrupted, oldest first; empty before {@link #corrupt}. */
    Set<Long> versions() {
        return Collections.unmodifiableSet(corrupted);
    }

    /** Whether the learner's first start since the corruption is still to be checked by {@link #checkRestart}. */
    boolean restartPending() {
        return restartPending;
    }

    /**
     * Reads the log of the learner's first start since the corruption for the line with which
     * {@link CheckpointStore} skips a version that does not verify, once per corrupted version.
     *
     * @return per corrupted version, oldest first, whether the learner reported skipping it
     */
    Map<Long, Boolean> checkRestart(String learnerLog) {
        if (!restartPending) {
            throw new IllegalStateException("no corruption awaits a learner restart");
        }
        restartPending = false;
        Map<Long, Boolean> reported = new TreeMap<>();
        for (long v : corrupted) {
            String path = store.path(v).toString();
            boolean wasSkipped = learnerLog.lines().anyMatch(l -> l.contains("skipping checkpoint")
                    && l.contains(path));
            if (wasSkipped) {
                skipped++;
            }
            reported.put(v, wasSkipped);
        }
        return reported;
    }

    /**
     * Corrupted versions detected, which means both: skipped by the restarted learner, and failing verification
     * in {@code onDisk} (the audit's reading of the checkpoint directory).
     */
    long detected(List<FaultAudit.Version> onDisk) {
        long failing = onDisk.stream().filter(v -> corrupted.contains(v.version()) && !v.valid()).count();
        return Math.min(skipped, failing);
    }

    private Path largestParam(long version) throws IOException {
        try (Stream<Path> files = Files.list(store.path(version).resolve("params"))) {
            return files.max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
    }
}
