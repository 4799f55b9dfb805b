package io.vitsom.model.train;

/**
 * Thrown at a step boundary when a {@link StopSignal} was requested, by loops that keep nothing partial: it unwinds
 * the work (closing its native resources on the way, on the thread that owns them) up to the command, which writes
 * what is finished and returns {@link StopSignal#EXIT_STOPPED}.
 */
public final class StopRequestedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param reason why the stop was requested */
    public StopRequestedException(String reason) {
        super(reason);
    }
}
