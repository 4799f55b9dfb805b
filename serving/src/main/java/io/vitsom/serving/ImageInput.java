package io.vitsom.serving;

import io.vitsom.model.data.DecodedImage;
import io.vitsom.stream.ValidationConfig;
import io.vitsom.stream.ValidationTopology;

/** One image value checked against a model's input: pixels ready for inference, or why it cannot be assigned. */
sealed interface ImageInput permits ImageInput.Ready, ImageInput.Invalid {
    /**
     * Checks {@code value} with the validation topology's own rule ({@link ValidationTopology#check}), which also
     * decodes it once. Never throws: any other failure, an {@link Error} included, is
     * {@link ValidationTopology#INTERNAL_ERROR}, so one hostile record cannot stop a stream thread or a request pool.
     */
    static ImageInput of(byte[] value, ValidationConfig strict) {
        try {
            ValidationTopology.Outcome outcome = ValidationTopology.check(value, strict);
            if (outcome instanceof ValidationTopology.Rejected rejected) {
                return new Invalid(rejected.reason(), rejected.detail());
            }
            return new Ready(((ValidationTopology.Accepted) outcome).pixels());
        } catch (RuntimeException | Error e) {
            return new Invalid(ValidationTopology.INTERNAL_ERROR, e.toString());
        }
    }

    /** Decoded pixels of the model's input shape. */
    record Ready(DecodedImage image) implements ImageInput {
    }

    /**
     * An image the model cannot assign.
     *
     * @param reason the validation topology's reason code ({@code empty}, {@code not-an-image}, {@code wrong-size},
     *     ...)
     * @param detail human-readable explanation
     */
    record Invalid(String reason, String detail) implements ImageInput {
    }
}
