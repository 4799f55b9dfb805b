package io.vitsom.serving;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.UnitSampler;
import io.vitsom.model.data.DecodedImage;
import io.vitsom.model.infer.Assignments;
import io.vitsom.model.som.SomGrid;
import io.vitsom.stream.Messages;
import io.vitsom.stream.ValidationConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One loaded model version: its predictor on its own {@link NDManager}, the version it was announced as, and the
 * input spec images are checked against. The native memory is released once the model has been retired by its
 * owner and the last {@link Lease} on it is closed, so a model swapped out during a batch finishes that batch.
 */
public final class ServingModel {
    private final Messages.ModelVersion version;
    private final MapModelConfig config;
    private final MapModel model;
    private final NDManager manager;
    private final ValidationConfig validation;
    private final SomGrid grid;
    // One reference held by the owner until retire(), plus one per open lease.
    private final AtomicInteger references = new AtomicInteger(1);
    private final AtomicBoolean retired = new AtomicBoolean();

    private ServingModel(Messages.ModelVersion version, MapModel model, NDManager manager) {
        this.version = version;
        this.config = model.config();
        this.model = model;
        this.manager = manager;
        this.validation = ValidationConfig.strict(config);
        this.grid = config.grid();
    }

    /**
     * Loads the checkpoint a published version points to.
     *
     * @throws IOException when the directory is missing or the checkpoint is corrupt
     * @throws IllegalArgumentException when the checkpoint contradicts the announced map size, or has no SOM
     */
    static ServingModel load(Messages.ModelVersion announced) throws IOException {
        return open(Path.of(announced.checkpoint()), loaded -> {
            // A learner checkpoint records its own version: a record announcing another one (say, a huge number
            // that would make every later genuine version look old) is refused for good.
            JsonNode recorded = loaded.metadata().provenance() == null ? null
                    : loaded.metadata().provenance().get("version");
            if (recorded != null && recorded.asLong() != announced.version()) {
                throw new UntrustedModelException(UntrustedModelException.WRONG_VERSION, "version "
                        + announced.version() + " is announced for checkpoint " + announced.checkpoint()
                        + ", which is version " + recorded.asLong());
            }
            SomGrid som = loaded.config().grid();
            // Zero means the publisher left the field out; anything else must agree with what is on disk.
            if ((announced.rows() != 0 || announced.cols() != 0)
                    && (announced.rows() != som.rows() || announced.cols() != som.cols())) {
                throw new IllegalArgumentException("version " + announced.version() + " announces a "
                        + announced.rows() + "x" + announced.cols() + " map but checkpoint " + announced.checkpoint()
                        + " holds a " + som.rows() + "x" + som.cols() + " map");
            }
            return announced;
        });
    }

    /**
     * Loads a checkpoint directly, without a published version: the version record is made from the checkpoint's
     * own metadata, with {@code version} as its number.
     */
    static ServingModel loadFixed(Path checkpoint, long version) throws IOException {
        return open(checkpoint, loaded -> {
            SomGrid som = loaded.config().grid();
            Checkpoint.Metadata metadata = loaded.metadata();
            return new Messages.ModelVersion(version, metadata.step(), 0, checkpoint.toAbsolutePath().toString(),
                    metadata.created(), metadata.codeVersion(), metadata.seed(), som.rows(), som.cols(),
                    som.topology().configName(), Map.of());
        });
    }

    private static ServingModel open(Path checkpoint, Function<Checkpoint.Loaded, Messages.ModelVersion> describe)
            throws IOException {
        NDManager manager = NDManager.newBaseManager();
        try {
            Checkpoint.Loaded loaded = Checkpoint.load(checkpoint, manager);
            Messages.ModelVersion version = describe.apply(loaded);
            return new ServingModel(version, loaded.model(), manager);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The version this model was published (or loaded) as. */
    public Messages.ModelVersion version() {
        return version;
    }

    /** The model's configuration. */
    public MapModelConfig config() {
        return config;
    }

    /** The model's map. */
    public SomGrid grid() {
        return grid;
    }

    /** Strict validation against this model's input: what an image must be to be assigned. */
    public ValidationConfig validation() {
        return validation;
    }

    /**
     * Assigns a batch of images of this model's input shape (see {@link #validation()}).
     *
     * <p>Calls are serialized per model: libtorch already spreads one batch over every core, so concurrent batches
     * would only compete for them.
     *
     * @throws IllegalArgumentException when an image has another shape
     */
    public synchronized Assignments assign(List<DecodedImage> images) {
        int pixels = config.imageFloats();
        float[] input = new float[images.size() * pixels];
        for (int i = 0; i < images.size(); i++) {
            DecodedImage image = images.get(i);
            config.requireInput(image.channels(), image.height(), image.width(), "image " + i + " of the batch");
            byte[] chw = image.chw();
            // uint8 / 255, exactly like training (ImageSet) and torchvision's ToTensor.
            for (int k = 0; k < pixels; k++) {
                input[i * pixels + k] = (chw[k] & 0xFF) / 255f;
            }
        }
        return model.assign(input, images.size());
    }

    /** Whether the model draws new images around its units (it is a {@link UnitSampler}). */
    public boolean canSample() {
        return model instanceof UnitSampler;
    }

    /**
     * {@code count} new images around {@code unit}'s prototype ({@link UnitSampler#sample}), each {@code [C*H*W]}
     * floats in [0, 1] of this model's input shape; serialized with {@link #assign}, as the model is not
     * thread-safe.
     *
     * @throws UnsupportedOperationException when the model cannot ({@link #canSample()})
     * @throws IllegalArgumentException for a unit outside the grid, {@code count < 1} or a bad {@code sigma}
     */
    public synchronized float[][] sample(int unit, int count, double sigma, Random random) {
        if (!(model instanceof UnitSampler sampler)) {
            throw new UnsupportedOperationException("model_arch " + config.modelArch() + " cannot generate images");
        }
        return sampler.sample(unit, count, sigma, random);
    }

    /**
     * The {@code som.assignments} message of image {@code i} of {@code assignments}.
     *
     * @param label the image's label, or {@code null} when unknown
     */
    public Messages.Bmu bmu(Assignments assignments, int i, long eventTime, String label) {
        int unit = assignments.bmu()[i];
        return new Messages.Bmu(unit, grid.row(unit), grid.col(unit), assignments.distance()[i], version.version(),
                eventTime, label, assignments.secondBmu()[i]);
    }

    /** Takes a reference unless the model has been released already. */
    boolean retain() {
        while (true) {
            int count = references.get();
            if (count == 0) {
                return false;
            }
            if (references.compareAndSet(count, count + 1)) {
                return true;
            }
        }
    }

    /** Drops the owner's reference: the model is closed when the last lease is closed (now, if there is none). */
    void retire() {
        if (retired.compareAndSet(false, true)) {
            release();
        }
    }

    /** Whether the native memory has been released. */
    boolean released() {
        return references.get() == 0;
    }

    private void release() {
        if (references.decrementAndGet() == 0) {
            manager.close();
        }
    }

    /** Use of a model for one batch or request; closing it lets a retired model be released. */
    public static final class Lease implements AutoCloseable {
        private final ServingModel model;
        private final AtomicBoolean closed = new AtomicBoolean();

        /** Wraps a reference already taken with {@link ServingModel#retain()}. */
        Lease(ServingModel model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** The leased model; valid until this lease is closed. */
        public ServingModel model() {
            return model;
        }

        /** Returns the reference; idempotent. */
        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                model.release();
            }
        }
    }
}
