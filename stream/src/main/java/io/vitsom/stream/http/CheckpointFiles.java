package io.vitsom.stream.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vitsom.model.checkpoint.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The learner's checkpoints over HTTP, so serving on another machine needs no shared disk:
 * {@code GET /checkpoints/v000007/manifest.json} and {@code GET /checkpoints/v000007/<file>} for every file the
 * manifest names (nothing else: the manifest is the allow-list, so no path can leave the checkpoint). Serving
 * fetches a version's files into its own cache and checks each against the manifest's SHA-256 when it loads them
 * (and, with {@code --model-key-file}, the manifest against the learner's signature). Behind the server's token
 * like every path but {@code /health} and {@code /metrics}.
 */
public final class CheckpointFiles {
    /** The route prefix. */
    public static final String PATH = "/checkpoints";

    private static final Pattern ROUTE = Pattern.compile(PATH + "/(v\\d{6,})/(.+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointFiles() {
    }

    /** Adds the routes serving the versions under {@code checkpointDir}. */
    public static void add(Router router, Path checkpointDir) {
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        Path root = checkpointDir.toAbsolutePath().normalize();
        router.getWithRegex(ROUTE.pattern()).handler(ctx -> send(ctx, root));
    }

    private static void send(RoutingContext ctx, Path root) {
        String version = ctx.pathParam("param0");
        String file = ctx.pathParam("param1");
        Path dir = root.resolve(version);
        ctx.vertx().<Path>executeBlocking(() -> listed(dir, file), false).onComplete(found -> {
            if (found.failed()) {
                HttpErrors.internal(ctx, found.cause());
            } else if (found.result() == null) {
                HttpErrors.send(ctx, 404, "no file " + file + " in checkpoint " + version, "not-found");
            } else {
                ctx.response().putHeader("content-type", "application/octet-stream").sendFile(found.result()
                        .toString());
            }
        });
    }

    /** The file when the version's manifest names it (or it is the manifest), else null. */
    private static Path listed(Path dir, String file) throws IOException {
        Path manifest = dir.resolve(Checkpoint.MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return null;
        }
        if (file.equals(Checkpoint.MANIFEST)) {
            return manifest;
        }
        JsonNode files = JSON.readTree(manifest.toFile()).path("files");
        return files.has(file) ? dir.resolve(file) : null;
    }
}
