package io.vitsom.serving;

import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.stream.ModelSignatures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Which announced models serving may load. A {@code som.models} record names a checkpoint path, and anyone who can
 * write to the topic could otherwise make every serving instance load any directory it can read. With a root, only
 * checkpoints under it are loaded (paths normalised and symbolic links resolved first); with a key, only models whose
 * record and manifest carry the learner's signature ({@link ModelSignatures}).
 *
 * @param checkpointRoot the directory every loaded checkpoint must be under ({@code --checkpoint-root})
 * @param signatures the learner's key ({@code --model-key-file}), or {@link ModelSignatures#none()}
 */
public record ModelTrust(Optional<Path> checkpointRoot, ModelSignatures signatures) {
    public ModelTrust {
        Objects.requireNonNull(checkpointRoot, "checkpointRoot");
        Objects.requireNonNull(signatures, "signatures");
    }

    /** Trusts every announced checkpoint, as serving did before these settings existed. */
    public static ModelTrust any() {
        return new ModelTrust(Optional.empty(), ModelSignatures.none());
    }

    /** Whether anything is checked. */
    public boolean restricted() {
        return checkpointRoot.isPresent() || signatures.enabled();
    }

    /**
     * The checkpoint directory of an announcement, once it passes the checks.
     *
     * @param checkpoint the path the record names
     * @param recordValue the record's value, as signed
     * @param signature the record's {@value ModelSignatures#HEADER} header, or {@code null}
     * @throws UntrustedModelException when the path is outside the root or the signature is missing or wrong
     * @throws IOException when the directory or its manifest cannot be read (it may appear later)
     */
    Path check(String checkpoint, byte[] recordValue, String signature) throws IOException {
        Path dir = Path.of(checkpoint).toAbsolutePath().normalize();
        if (checkpointRoot.isPresent()) {
            Path root = checkpointRoot.get().toRealPath();
            Path real = dir.toRealPath();
            if (!real.startsWith(root)) {
                throw new UntrustedModelException(UntrustedModelException.OUTSIDE_ROOT, "checkpoint " + checkpoint
                        + " is outside --checkpoint-root " + root);
            }
            dir = real;
        }
        if (signatures.enabled()) {
            if (signature == null) {
                throw new UntrustedModelException(UntrustedModelException.UNSIGNED, "the record of checkpoint "
                        + checkpoint + " is not signed, and --model-key-file asks for signed models");
            }
            byte[] manifest = Files.readAllBytes(dir.resolve(Checkpoint.MANIFEST));
            if (!signatures.verify(recordValue, manifest, signature)) {
                throw new UntrustedModelException(UntrustedModelException.BAD_SIGNATURE, "the signature of the "
                        + "record of checkpoint " + checkpoint + " does not match it and its manifest");
            }
        }
        return dir;
    }
}
