package io.vitsom.serving;

import io.vitsom.stream.Messages;
import java.util.Optional;

/**
 * Where serving gets its model: the one in service now, which may change between two calls. Callers take a
 * {@link ServingModel.Lease} per batch, so a model swapped out meanwhile stays usable until the batch is done.
 */
public interface ModelSource {
    /**
     * The model in service, retained until the returned lease is closed.
     *
     * @return empty while no model has been loaded
     */
    Optional<ServingModel.Lease> acquire();

    /** The version of the model in service, if any. */
    Optional<Messages.ModelVersion> current();
}
