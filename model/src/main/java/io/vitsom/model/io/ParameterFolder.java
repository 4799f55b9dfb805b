package io.vitsom.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.checkpoint.CorruptCheckpointException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A saved model that is not a map model (no optimizer state, no training step): {@code params/<name>.npy} for each
 * named parameter, text files of the model's own ({@code config.yaml}), and {@code manifest.json}, written last, with
 * the model's metadata and a SHA-256 per file under {@code files}. Used by the evaluation classifier and the VAE
 * baseline; map models use {@code Checkpoint}, which also keeps optimizer state.
 *
 * <p>The folder is built in a temporary sibling and renamed into place, so a crash never leaves a half-written
 * folder under the final name; {@link #verify} rejects one whose files are missing, altered or unlisted.
 */
public final class ParameterFolder {
    /** The file holding the metadata and the checksums; written last. */
    public static final String MANIFEST = "manifest.json";
    /** The folder of the parameter files. */
    public static final String PARAMS = "params";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ParameterFolder() {
    }

    /**
     * Writes {@code parameters}, {@code textFiles} (relative name to content) and {@code manifest} (to which a
     * {@code files} object of checksums is added) to {@code dir}, replacing what was there.
     */
    public static void write(Path dir, Map<String, Parameter> parameters, Map<String, String> textFiles,
                             ObjectNode manifest) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve("." + dir.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.createDirectories(tmp.resolve(PARAMS));
        for (var e : parameters.entrySet()) {
            NDArray a = e.getValue().getArray();
            Npy.writeFloat32(tmp.resolve(PARAMS).resolve(e.getKey() + ".npy"), a.toFloatArray(),
                    a.getShape().getShape());
        }
        for (var e : textFiles.entrySet()) {
            Files.writeString(tmp.resolve(e.getKey()), e.getValue());
        }
        ObjectNode out = manifest.deepCopy();
        putChecksums(out.putObject("files"), tmp);
        JSON.writeValue(tmp.resolve(MANIFEST).toFile(), out);
        if (Files.exists(dir)) {
            FileTree.deleteRecursively(dir);
        }
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Checks the folder against its manifest (every listed file present with its checksum, no unlisted file) and
     * returns the manifest.
     *
     * @throws NoSuchFileException when {@code dir} is not a directory
     * @throws CorruptCheckpointException when the manifest is missing or unreadable or a file fails the check
     */
    public static JsonNode verify(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no saved model directory");
        }
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.exists(manifestFile)) {
            throw new CorruptCheckpointException(dir, MANIFEST + " is missing (incomplete write?)");
        }
        JsonNode manifest;
        try {
            manifest = JSON.readTree(manifestFile.toFile());
        } catch (IOException e) {
            throw new CorruptCheckpointException(dir, MANIFEST + " cannot be parsed", e);
        }
        JsonNode files = manifest.path("files");
        if (!files.isObject()) {
            throw new CorruptCheckpointException(dir, MANIFEST + " lists no files");
        }
        checkFiles(dir, files);
        return manifest;
    }

    /**
     * Puts the SHA-256 of every file under {@code dir} into {@code files}, by its path relative to {@code dir}: the
     * {@code files} of a manifest, written by the saved models and the training checkpoints alike so that
     * {@link #checkFiles} verifies both.
     */
    public static void putChecksums(ObjectNode files, Path dir) throws IOException {
        for (Path f : listFiles(dir)) {
            files.put(dir.relativize(f).toString(), sha256(f));
        }
    }

    /**
     * Checks {@code dir} against a manifest's {@code files} ({@code relative path -> SHA-256 hex}): every listed file
     * present with its checksum, no file besides {@link #MANIFEST} unlisted. The saved models and the training
     * checkpoints ({@code Checkpoint.verify}) share this check, so a damaged folder of either kind is reported alike.
     *
     * @throws CorruptCheckpointException naming every problem found
     */
    public static void checkFiles(Path dir, JsonNode files) throws IOException {
        List<String> problems = new ArrayList<>();
        for (var it = files.fields(); it.hasNext(); ) {
            var e = it.next();
            Path f = dir.resolve(e.getKey());
            if (!Files.isRegularFile(f)) {
                problems.add(e.getKey() + " is missing");
            } else if (!sha256(f).equals(e.getValue().asText())) {
                problems.add(e.getKey() + " fails its SHA-256 checksum");
            }
        }
        for (Path f : listFiles(dir)) {
            String rel = dir.relativize(f).toString();
            if (!rel.equals(MANIFEST) && !files.has(rel)) {
                problems.add(rel + " is not in the manifest");
            }
        }
        if (!problems.isEmpty()) {
            throw new CorruptCheckpointException(dir, String.join("; ", problems));
        }
    }

    /**
     * Sets every parameter of {@code into} from {@code dir/params/<name>.npy}.
     *
     * @throws CorruptCheckpointException when a file is missing, unreadable or of another shape
     */
    public static void readParameters(Path dir, Map<String, Parameter> into) throws IOException {
        for (var e : into.entrySet()) {
            Path file = dir.resolve(PARAMS).resolve(e.getKey() + ".npy");
            if (!Files.isRegularFile(file)) {
                throw new CorruptCheckpointException(dir, dir.relativize(file) + " is missing");
            }
            Npy.NpyArray array;
            try {
                array = Npy.read(file);
            } catch (IOException e2) {
                throw new CorruptCheckpointException(dir, dir.relativize(file) + " cannot be read", e2);
            }
            NDArray p = e.getValue().getArray();
            long[] expected = p.getShape().getShape();
            if (!array.isFloat() || !Arrays.equals(expected, array.shape())) {
                throw new CorruptCheckpointException(dir, e.getKey() + " has shape " + Arrays.toString(array.shape())
                        + " (" + array.dtype() + "), the config needs float " + Arrays.toString(expected));
            }
            p.set(FloatBuffer.wrap(array.floats()));
        }
    }

    private static List<Path> listFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
