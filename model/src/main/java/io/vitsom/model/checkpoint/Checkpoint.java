package io.vitsom.model.checkpoint;

import io.vitsom.model.io.FileTree;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.io.Npy;
import io.vitsom.model.io.ParameterFolder;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.map.MapTrainer;
import io.vitsom.model.nn.VitSom;
import io.vitsom.model.train.VitSomTrainer;
import io.vitsom.model.vitsom.VitSomMapModel;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Checkpoints of a map model of any kind ({@link MapModel}): parameters, optimizer state, step, config and
 * provenance, written atomically and verified on load. The config's {@code model_arch} says which model to build
 * when the checkpoint is read back.
 *
 * <p>Layout: {@code params/<name>.npy} (PyTorch-readable; ViT-SOM's names are the reference's), {@code optimizer/<name>.exp_avg.npy}
 * and {@code .exp_avg_sq.npy}, {@code config.yaml}, {@code checkpoint.json} (step, seed, code version,
 * provenance) and {@code manifest.json} with a SHA-256 per file, written last. A checkpoint is built in a
 * temporary sibling directory, fsynced, then renamed into place, so a crash leaves either the old
 * checkpoint or the new one, never a mix.
 */
public final class Checkpoint {
    /** The file naming every other file of a checkpoint with its SHA-256; written last. */
    public static final String MANIFEST = "manifest.json";

    /** Format tag in {@code checkpoint.json}. */
    public static final String FORMAT = "vitsom-checkpoint/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoint() {
    }

    /**
     * What a checkpoint says about itself.
     *
     * @param step global training steps taken (the schedules' position)
     * @param optimizerStep AdamW updates applied (its bias-correction count)
     * @param seed the run's seed
     * @param codeVersion {@link CodeVersion#describe()} of the writer
     * @param created ISO-8601 time of writing
     * @param provenance free-form provenance (dataset, offsets, epochs, ...), as JSON
     */
    public record Metadata(long step, long optimizerStep, long seed, String codeVersion, String created, JsonNode provenance) {
    }

    /**
     * A loaded checkpoint: the model (parameters set), its metadata, the optimizer moments by name, and the
     * directory it was read from (where state written through {@link Extra} lies).
     */
    public record Loaded(MapModel model, MapModelConfig config, Metadata metadata, Map<String, float[]> moments,
                         Path dir) {
        /** Restores the optimizer moments and step count into {@code trainer} (built on {@link #model()}). */
        public void restore(MapTrainer trainer) {
            restoreMoments(trainer.optimizerMoments());
            trainer.setStepCount(metadata.step());
            trainer.setOptimizerStepCount(metadata.optimizerStep());
        }

        /** {@link #restore(MapTrainer)} for a ViT-SOM trainer built on {@link #vitSom()}. */
        public void restore(VitSomTrainer trainer) {
            restoreMoments(trainer.optimizer().moments());
            trainer.setStepCount(metadata.step());
            trainer.optimizer().setStepCount(metadata.optimizerStep());
        }

        /** The ViT-SOM block of a ViT-SOM checkpoint (the benchmark's and the reference check's own parts). */
        public VitSom vitSom() {
            if (!(model instanceof VitSomMapModel v)) {
                throw new IllegalArgumentException(dir + " holds a " + config.modelArch() + " model, not ViT-SOM");
            }
            return v.vitSom();
        }

        /** The config of a ViT-SOM checkpoint. */
        public VitSomConfig vitSomConfig() {
            return vitSom().config();
        }

        private void restoreMoments(Map<String, NDArray> into) {
            for (var e : into.entrySet()) {
                float[] values = moments.get(e.getKey());
                if (values == null) {
                    throw new IllegalStateException("checkpoint has no optimizer state " + e.getKey());
                }
                e.getValue().set(FloatBuffer.wrap(values));
            }
        }
    }

    /**
     * More state written into a checkpoint while it is built, before its manifest, so the files are covered by the
     * manifest and appear atomically with the model (a learner's rehearsal reservoir, a shadow map).
     */
    @FunctionalInterface
    public interface Extra {
        /** Writes files under {@code dir}, the checkpoint's temporary directory. */
        void writeTo(Path dir) throws IOException;

        /** Nothing more. */
        static Extra none() {
            return dir -> { };
        }
    }

    /** Writes a checkpoint of {@code trainer}'s model and optimizer to {@code dir} atomically. */
    public static void save(Path dir, MapTrainer trainer, long seed, JsonNode provenance) throws IOException {
        save(dir, trainer, seed, provenance, Extra.none());
    }

    /** {@link #save(Path, MapTrainer, long, JsonNode)} with more files written by {@code extra}. */
    public static void save(Path dir, MapTrainer trainer, long seed, JsonNode provenance, Extra extra)
            throws IOException {
        MapModel model = trainer.map();
        save(dir, new Contents(model.namedParameters(), model.config(), trainer.optimizerMoments(),
                trainer.stepCount(), trainer.optimizerStepCount(), seed, provenance), extra);
    }

    /** A ViT-SOM trainer's checkpoint (the offline benchmark's). */
    public static void save(Path dir, VitSomTrainer trainer, long seed, JsonNode provenance) throws IOException {
        save(dir, new Contents(trainer.model().namedParameters(), trainer.model().config(),
                trainer.optimizer().moments(), trainer.stepCount(), trainer.optimizer().stepCount(), seed, provenance),
                Extra.none());
    }

    /** Writes a checkpoint of a model; {@code moments} may be empty (an inference-only export). */
    public static void save(Path dir, MapModel model, Map<String, NDArray> moments, long step, long optimizerStep,
                            long seed, JsonNode provenance) throws IOException {
        save(dir, new Contents(model.namedParameters(), model.config(), moments, step, optimizerStep, seed,
                provenance), Extra.none());
    }

    /** {@link #save(Path, MapModel, Map, long, long, long, JsonNode)} of a ViT-SOM block. */
    public static void save(Path dir, VitSom model, Map<String, NDArray> moments, long step, long optimizerStep,
                            long seed, JsonNode provenance) throws IOException {
        save(dir, new Contents(model.namedParameters(), model.config(), moments, step, optimizerStep, seed,
                provenance), Extra.none());
    }

    /** Everything {@link #writeContents} writes for one model. */
    private record Contents(Map<String, Parameter> parameters, MapModelConfig config, Map<String, NDArray> moments,
                            long step, long optimizerStep, long seed, JsonNode provenance) {
    }

    private static void save(Path dir, Contents contents, Extra extra) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve("." + dir.getFileName() + ".tmp-" + UUID.randomUUID());
        writeContents(tmp, contents);
        extra.writeTo(tmp);
        ObjectNode manifest = JSON.createObjectNode();
        ParameterFolder.putChecksums(manifest.putObject("files"), tmp);
        JSON.writeValue(tmp.resolve(MANIFEST).toFile(), manifest);
        for (Path f : listFiles(tmp)) {
            fsync(f);
        }
        try (Stream<Path> walk = Files.walk(tmp)) {
            // Directories deepest first, so every entry is durable before the rename publishes the checkpoint.
            for (Path d : walk.filter(Files::isDirectory)
                    .sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                fsync(d);
            }
        }
        Path old = null;
        if (Files.exists(dir)) {
            old = parent.resolve("." + dir.getFileName() + ".old-" + UUID.randomUUID());
            move(dir, old);
        }
        move(tmp, dir);
        fsync(parent);
        if (old != null) {
            FileTree.deleteRecursively(old);
        }
    }

    /**
     * Writes a model's parameters, optimizer moments, config and {@code checkpoint.json} into {@code dir}, with no
     * manifest and no atomic rename: the contents of a checkpoint, or of a second model inside one (through
     * {@link Extra}), which {@link #loadContents} reads back.
     */
    public static void writeContents(Path dir, MapTrainer trainer, long seed, JsonNode provenance) throws IOException {
        MapModel model = trainer.map();
        writeContents(dir, new Contents(model.namedParameters(), model.config(), trainer.optimizerMoments(),
                trainer.stepCount(), trainer.optimizerStepCount(), seed, provenance));
    }

    private static void writeContents(Path dir, Contents c) throws IOException {
        Files.createDirectories(dir.resolve("params"));
        Files.createDirectories(dir.resolve("optimizer"));
        for (var e : c.parameters().entrySet()) {
            NDArray a = e.getValue().getArray();
            Npy.writeFloat32(dir.resolve("params").resolve(e.getKey() + ".npy"), a.toFloatArray(), a.getShape().getShape());
        }
        for (var e : c.moments().entrySet()) {
            NDArray a = e.getValue();
            Npy.writeFloat32(dir.resolve("optimizer").resolve(e.getKey() + ".npy"), a.toFloatArray(), a.getShape().getShape());
        }
        Files.writeString(dir.resolve("config.yaml"), c.config().toYaml());
        ObjectNode meta = JSON.createObjectNode();
        meta.put("format", FORMAT);
        meta.put("model_arch", c.config().modelArch());
        meta.put("step", c.step());
        meta.put("optimizer_step", c.optimizerStep());
        meta.put("seed", c.seed());
        meta.put("code_version", CodeVersion.describe());
        meta.put("created", Instant.now().toString());
        meta.set("config", c.config().toTree());
        meta.set("provenance", c.provenance() == null ? JSON.createObjectNode() : c.provenance());
        JSON.writeValue(dir.resolve("checkpoint.json").toFile(), meta);
    }

    /** Loads and verifies a checkpoint, building its model on {@code manager}. */
    public static Loaded load(Path dir, NDManager manager) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no checkpoint directory");
        }
        verify(dir);
        return loadContents(dir, manager);
    }

    /**
     * Loads what {@link #writeContents} wrote, without verifying a manifest: for a model inside a checkpoint whose
     * manifest {@link #load} already verified.
     */
    public static Loaded loadContents(Path dir, NDManager manager) throws IOException {
        JsonNode meta = JSON.readTree(dir.resolve("checkpoint.json").toFile());
        if (!FORMAT.equals(meta.path("format").asText())) {
            throw new CorruptCheckpointException(dir, "unknown format '" + meta.path("format").asText() + "'");
        }
        MapModelConfig config = MapModels.parse(Files.readString(dir.resolve("config.yaml")), dir + "/config.yaml");
        MapModel model = MapModels.create(config, manager);
        for (var e : model.namedParameters().entrySet()) {
            Path file = dir.resolve("params").resolve(e.getKey() + ".npy");
            Npy.NpyArray array = readArray(dir, file);
            Parameter p = e.getValue();
            long[] expected = p.getArray().getShape().getShape();
            if (!Arrays.equals(expected, array.shape())) {
                throw new CorruptCheckpointException(dir, e.getKey() + " has shape " + Arrays.toString(array.shape())
                        + ", the config needs " + Arrays.toString(expected));
            }
            p.getArray().set(FloatBuffer.wrap(array.floats()));
        }
        Map<String, float[]> moments = new TreeMap<>();
        // No optimizer folder is no moments, as an empty one is: a copy made from the manifest (which names files,
        // not folders) has none when the checkpoint was saved without optimizer state.
        if (Files.isDirectory(dir.resolve("optimizer"))) {
            try (Stream<Path> files = Files.list(dir.resolve("optimizer"))) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString().replaceFirst("\\.npy$", "");
                    moments.put(name, readArray(dir, f).floats());
                }
            }
        }
        Metadata metadata = new Metadata(meta.path("step").asLong(),
                meta.path("optimizer_step").asLong(), meta.path("seed").asLong(),
                meta.path("code_version").asText(), meta.path("created").asText(), meta.path("provenance"));
        return new Loaded(model, config, metadata, moments, dir);
    }

    /** Checks that every file of the manifest exists with its checksum and that no file is missing from it. */
    public static void verify(Path dir) throws IOException {
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.exists(manifestFile)) {
            throw new CorruptCheckpointException(dir, "manifest.json is missing (incomplete write?)");
        }
        JsonNode files;
        try {
            files = JSON.readTree(manifestFile.toFile()).path("files");
        } catch (IOException e) {
            throw new CorruptCheckpointException(dir, "manifest.json cannot be parsed", e);
        }
        ParameterFolder.checkFiles(dir, files);
    }

    private static Npy.NpyArray readArray(Path dir, Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new CorruptCheckpointException(dir, dir.relativize(file) + " is missing");
        }
        return Npy.read(file);
    }

    private static List<Path> listFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static void fsync(Path path) throws IOException {
        boolean dir = Files.isDirectory(path);
        try (FileChannel channel = FileChannel.open(path, dir ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically on this file system", e);
        }
    }

}
