package io.vitsom.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.learner.CheckpointStore;
import io.vitsom.stream.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The corruption on real checkpoints of the tiny model, laid out as the learner's {@link CheckpointStore} does. */
class CheckpointCorruptorTest {
    @TempDir
    Path tmp;

    /** Versions 1 to {@code versions}, each a verified checkpoint; {@code broken} ones then fail verification. */
    private CheckpointStore store(int versions, long... broken) throws IOException {
        CheckpointStore store = new CheckpointStore(tmp.resolve("checkpoints"));
        for (long v = 1; v <= versions; v++) {
            Fixtures.tinyCheckpoint(store.path(v), v, v);
        }
        for (long v : broken) {
            Files.writeString(store.path(v).resolve("config.yaml"), "# edited\n", StandardOpenOption.APPEND);
        }
        return store;
    }

    /** The bytes of every parameter file of {@code version}. */
    private static Map<Path, byte[]> params(CheckpointStore store, long version) throws IOException {
        Map<Path, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(store.path(version).resolve("params"))) {
            for (Path f : files.toList()) {
                out.put(f, Files.readAllBytes(f));
            }
        }
        return out;
    }

    private static int largest(Map<Path, byte[]> files) {
        return files.values().stream().mapToInt(b -> b.length).max().orElseThrow();
    }

    @Test
    void truncatesTheNewestValidVersionAndFlipsOneBitInTheOneBefore() throws Exception {
        // v4 fails verification already, as a version damaged earlier would: v3 is the newest valid one.
        CheckpointStore store = store(4, 4);
        Map<Path, byte[]> v3 = params(store, 3);
        Map<Path, byte[]> v2 = params(store, 2);
        CheckpointCorruptor corruptor = new CheckpointCorruptor(store.dir());

        CheckpointCorruptor.Corruption c = corruptor.corrupt(new Random(11)).orElseThrow();

        assertThat(v3).containsKey(c.truncated());
        assertThat(c.sizeBefore()).isEqualTo(v3.get(c.truncated()).length).isEqualTo(largest(v3));
        assertThat(Files.size(c.truncated())).isEqualTo(c.sizeBefore() / 2);
        assertThat(Files.readAllBytes(c.truncated())).containsExactly(
                Arrays.copyOf(v3.get(c.truncated()), (int) (c.sizeBefore() / 2)));

        assertThat(v2).containsKey(c.flipped());
        byte[] before = v2.get(c.flipped());
        assertThat(before.length).isEqualTo(largest(v2));
        // The same draws, in the same order, as a run with this seed makes.
        Random twin = new Random(11);
        assertThat(c.position()).isEqualTo((long) (twin.nextDouble() * before.length));
        assertThat(c.bit()).isEqualTo(twin.nextInt(8));
        byte[] expected = before.clone();
        expected[(int) c.position()] ^= (byte) (1 << c.bit());
        assertThat(Files.readAllBytes(c.flipped())).containsExactly(expected);

        for (Map<Path, byte[]> files : List.of(v3, v2)) {
            files.forEach((f, bytes) -> {
                if (!f.equals(c.truncated()) && !f.equals(c.flipped())) {
                    assertThat(f).as("a file not chosen").hasBinaryContent(bytes);
                }
            });
        }
        assertThat(FaultAudit.versions(store.dir())).extracting(FaultAudit.Version::valid)
                .containsExactly(true, false, false, false);
        assertThat(corruptor.injected()).isTrue();
        assertThat(corruptor.versions()).containsExactly(2L, 3L);
        assertThat(c.describe(store.dir())).isEqualTo(String.format("corrupted checkpoints: truncated v000003/params/"
                        + "%s (%d -> %d bytes), flipped bit %d of byte %d in v000002/params/%s",
                c.truncated().getFileName(), c.sizeBefore(), c.sizeBefore() / 2, c.bit(), c.position(),
                c.flipped().getFileName()));
        assertThatThrownBy(() -> corruptor.corrupt(new Random(11))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[2, 3]");
    }

    @Test
    void leavesCheckpointsAloneAndDrawsNothingWhileFewerThanThreeVerify() throws Exception {
        CheckpointStore store = store(3, 3);
        Map<Path, byte[]> v2 = params(store, 2);
        Random random = new Random(5);

        assertThat(new CheckpointCorruptor(store.dir()).corrupt(random)).isEmpty();

        assertThat(random.nextLong()).as("no draw taken").isEqualTo(new Random(5).nextLong());
        v2.forEach((f, bytes) -> assertThat(f).hasBinaryContent(bytes));
        assertThat(FaultAudit.versions(store.dir())).extracting(FaultAudit.Version::valid)
                .containsExactly(true, true, false);
    }

    @Test
    void countsAVersionDetectedWhenTheRestartedLearnerSkippedItAndItFailsVerification() throws Exception {
        CheckpointStore store = store(3);
        CheckpointCorruptor corruptor = new CheckpointCorruptor(store.dir());
        corruptor.corrupt(new Random(1)).orElseThrow();
        assertThat(corruptor.restartPending()).isTrue();
        // What CheckpointStore logs for v3; v2 is only mentioned, not skipped.
        String log = "12:00:01 WARN  CheckpointStore - skipping checkpoint " + store.path(3)
                + ": params/pos_embed.npy fails its SHA-256 checksum\n"
                + "12:00:01 INFO  LearnerMain - learner reading; found " + store.path(2) + "\n";

        assertThat(corruptor.checkRestart(log)).containsExactly(Map.entry(2L, false), Map.entry(3L, true));

        assertThat(corruptor.restartPending()).isFalse();
        assertThatThrownBy(() -> corruptor.checkRestart(log)).isInstanceOf(IllegalStateException.class);
        assertThat(corruptor.detected(FaultAudit.versions(store.dir()))).isEqualTo(1);
        // A skipped version that verifies after all is not detected.
        List<FaultAudit.Version> verified = List.of(
                new FaultAudit.Version(2, null, 2, Map.of(), Map.of(), null),
                new FaultAudit.Version(3, null, 3, Map.of(), Map.of(), null));
        assertThat(corruptor.detected(verified)).isZero();
        assertThat(corruptor.detected(Collections.emptyList())).isZero();
    }
}
