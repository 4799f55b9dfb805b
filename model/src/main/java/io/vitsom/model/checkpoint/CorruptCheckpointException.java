package io.vitsom.model.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint directory that is incomplete, fails its checksums or cannot be parsed. */
public final class CorruptCheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptCheckpointException(Path dir, String problem) {
        super("checkpoint " + dir + " is unusable: " + problem);
    }

    public CorruptCheckpointException(Path dir, String problem, Throwable cause) {
        super("checkpoint " + dir + " is unusable: " + problem, cause);
    }
}
