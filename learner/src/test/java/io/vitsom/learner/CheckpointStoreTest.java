package io.vitsom.learner;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.vitsom.stream.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    @TempDir
    Path dir;

    @Test
    void emptyDirectoryHasNoVersionsAndStartsAtOne() throws Exception {
        CheckpointStore store = new CheckpointStore(dir.resolve("none"));
        assertThat(store.versions()).isEmpty();
        assertThat(store.nextVersion()).isEqualTo(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThat(store.loadNewestValid(manager)).isEmpty();
        }
    }

    @Test
    void skipsACorruptNewestCheckpointAndNeverReusesItsNumber() throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        Fixtures.tinyCheckpoint(store.path(1), 1, 10);
        Fixtures.tinyCheckpoint(store.path(2), 2, 20);
        Files.createDirectories(dir.resolve("not-a-version"));
        // Damage one parameter file of v2: its SHA-256 no longer matches the manifest.
        Path param;
        try (var files = Files.list(store.path(2).resolve("params"))) {
            param = files.findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(param);
        bytes[bytes.length - 1] ^= 0x55;
        Files.write(param, bytes);

        assertThat(store.versions()).containsExactly(2L, 1L);
        assertThat(store.nextVersion()).isEqualTo(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            CheckpointStore.Found found = store.loadNewestValid(manager).orElseThrow();
            assertThat(found.version()).isEqualTo(1);
            assertThat(found.checkpoint().metadata().step()).isEqualTo(10);
        }
    }

    @Test
    void pruneKeepsTheNewest() throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        for (long v = 1; v <= 4; v++) {
            Files.createDirectories(store.path(v));
        }
        store.prune(2);
        assertThat(store.versions()).containsExactly(4L, 3L);
    }
}
