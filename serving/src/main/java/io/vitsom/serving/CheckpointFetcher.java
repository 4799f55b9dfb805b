package io.vitsom.serving;

import io.vitsom.model.io.FileTree;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.stream.http.CheckpointFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies announced checkpoints from the learner over HTTP ({@link CheckpointFiles}) into a local cache, so serving
 * needs no disk shared with the learner ({@code serve --checkpoint-url}). A version is fetched once: its manifest,
 * then every file the manifest names, into a temporary folder that is renamed into place when complete; the files
 * are checked against the manifest's SHA-256 when the checkpoint loads. The newest {@value #KEEP} versions are kept.
 */
public final class CheckpointFetcher {
    /** Versions kept in the cache. */
    static final int KEEP = 3;

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointFetcher.class);
    private static final Pattern VERSION = Pattern.compile("v\\d{6,}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final URI base;
    private final Path cache;
    private final Optional<String> token;
    private final HttpClient http;

    /**
     * @param base the learner's status server, e.g. {@code http://learner:8082}
     * @param cache where fetched versions go (created when missing)
     * @param token the learner's {@code --auth-token-file} token, when it has one
     */
    public CheckpointFetcher(URI base, Path cache, Optional<String> token) {
        this.base = Objects.requireNonNull(base, "base");
        this.cache = Objects.requireNonNull(cache, "cache").toAbsolutePath().normalize();
        this.token = Objects.requireNonNull(token, "token");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The cache folder: every fetched checkpoint is under it (a natural {@code --checkpoint-root}). */
    public Path cache() {
        return cache;
    }

    /**
     * The local copy of the checkpoint the learner announced at {@code announced} (a path on the learner's machine,
     * of which only the version folder's name is used), fetched when not in the cache yet.
     *
     * @throws IOException when the learner does not answer or a file is missing (the version may appear later)
     * @throws UntrustedModelException when the announced path does not end in a version folder
     */
    public Path fetch(String announced) throws IOException {
        String version = Path.of(announced).getFileName().toString();
        if (!VERSION.matcher(version).matches()) {
            throw new UntrustedModelException(UntrustedModelException.OUTSIDE_ROOT, "checkpoint " + announced
                    + " is not a learner version folder (vNNNNNN), so it cannot be fetched");
        }
        Path target = cache.resolve(version);
        if (Files.isRegularFile(target.resolve(Checkpoint.MANIFEST))) {
            return target;
        }
        Files.createDirectories(cache);
        Path tmp = cache.resolve("." + version + ".tmp-" + UUID.randomUUID());
        try {
            byte[] manifest = get(version, Checkpoint.MANIFEST);
            JsonNode files = JSON.readTree(manifest).path("files");
            for (Iterator<String> names = files.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                Path file = tmp.resolve(name).normalize();
                if (!file.startsWith(tmp) || name.equals(Checkpoint.MANIFEST)) {
                    throw new UntrustedModelException(UntrustedModelException.OUTSIDE_ROOT, "the manifest of "
                            + version + " names " + name + ", outside its folder");
                }
                Files.createDirectories(file.getParent());
                Files.write(file, get(version, name));
            }
            // Last, as the learner writes it: a folder with a manifest is complete.
            Files.write(tmp.resolve(Checkpoint.MANIFEST), manifest);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            FileTree.deleteRecursively(tmp);
        }
        LOG.info("fetched checkpoint {} from {} into {}", version, base, target);
        prune();
        return target;
    }

    private byte[] get(String version, String file) throws IOException {
        URI uri = base.resolve(CheckpointFiles.PATH + "/" + version + "/" + file);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + uri, e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("fetching " + uri + " answered " + response.statusCode());
        }
        return response.body();
    }

    private void prune() throws IOException {
        List<Path> versions = new ArrayList<>();
        try (Stream<Path> entries = Files.list(cache)) {
            entries.filter(p -> VERSION.matcher(p.getFileName().toString()).matches()).forEach(versions::add);
        }
        versions.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        for (int i = KEEP; i < versions.size(); i++) {
            FileTree.deleteRecursively(versions.get(i));
        }
    }

}
