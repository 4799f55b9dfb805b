package io.vitsom.ingest;

import java.io.IOException;

/** No dataset could be found or fetched; the message lists where it looked and what the user can do. */
public final class DatasetNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message where it looked and what to do, ready for the console */
    public DatasetNotFoundException(String message) {
        super(message);
    }

    /** @param message where it looked and what to do, ready for the console */
    public DatasetNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
