package io.vitsom.serving;

import io.vertx.core.json.JsonObject;
import io.vitsom.stream.Messages;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What serving's {@code GET /health} answers. {@link Status#UP} (200) only while a model is in service, the model
 * watcher runs, and the Streams application is {@code RUNNING} without a failed thread waiting to be replaced;
 * otherwise {@link Status#WAITING_FOR_MODEL} or {@link Status#DOWN} (503) with a stable {@link #reason()} code and a
 * short message. The body is open without auth, so it names exception classes at most, never their messages or
 * stack traces (those are in the log).
 *
 * @param status the verdict
 * @param reason why it is not UP: one of the reason constants; empty when UP
 * @param message a sentence for people; empty when UP
 * @param modelVersion the version in service, if any
 * @param state the Streams application's state; empty on the HTTP-only endpoint, {@code NOT_STARTED} before the first
 *     model
 * @param threads what happened to the stream threads
 */
public record ServingHealth(Status status, Optional<String> reason, Optional<String> message,
                            Optional<Long> modelVersion, Optional<String> state, Threads threads) {
    /** No model has been put in service yet (also before {@code som.models} announced one). */
    public static final String NO_MODEL = "no-model";
    /** The model watcher's thread stopped: no newer model would ever be loaded. */
    public static final String MODEL_WATCHER_DIED = "model-watcher-died";
    /** More stream threads failed than the {@link StreamThreadBudget} allows; the application was shut down. */
    public static final String STREAM_THREADS_FAILING = "stream-threads-failing";
    /** A stream thread failed and waits out its back-off before it is replaced. */
    public static final String STREAM_THREAD_RESTARTING = "stream-thread-restarting";
    /** The Streams application is not {@code RUNNING} (starting, rebalancing, stopped, or in error). */
    public static final String STREAMS_NOT_RUNNING = "streams-not-running";
    /** {@link #state()} before the Streams application was created. */
    public static final String NOT_STARTED = "NOT_STARTED";

    public ServingHealth {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(threads, "threads");
    }

    /** The verdicts; only {@link #UP} answers 200. */
    public enum Status {
        /** Serving. */
        UP,
        /** Not serving yet: no model has been published or loaded. */
        WAITING_FOR_MODEL,
        /** Broken: see the reason. */
        DOWN
    }

    /**
     * The stream threads' record.
     *
     * @param recentFailures failed threads within the budget's window
     * @param lastFailure the class of the last failure's root cause, if any failed
     * @param restarting whether a failed thread is waiting out its back-off
     * @param gaveUp whether the budget was spent and the application shut down
     */
    public record Threads(int recentFailures, Optional<String> lastFailure, boolean restarting, boolean gaveUp) {
        /** No thread ever failed. */
        public static final Threads NONE = new Threads(0, Optional.empty(), false, false);

        public Threads {
            Objects.requireNonNull(lastFailure, "lastFailure");
        }
    }

    /** The health of an endpoint without a Streams application (a fixed model): UP once a model is in service. */
    public static ServingHealth of(ModelSource models) {
        Optional<Long> version = models.current().map(Messages.ModelVersion::version);
        if (version.isEmpty()) {
            return waiting(Optional.empty(), Threads.NONE);
        }
        return new ServingHealth(Status.UP, Optional.empty(), Optional.empty(), version, Optional.empty(),
                Threads.NONE);
    }

    /**
     * The health of the whole service, worst problem first.
     *
     * @param model the version in service
     * @param watcherFailure why the model watcher stopped, if it did
     * @param streams the Streams application's state; empty before it was created
     * @param threads what happened to its threads
     */
    public static ServingHealth of(Optional<Messages.ModelVersion> model, Optional<Throwable> watcherFailure,
                                   Optional<KafkaStreams.State> streams, Threads threads) {
        Optional<Long> version = model.map(Messages.ModelVersion::version);
        Optional<String> state = Optional.of(streams.map(Enum::name).orElse(NOT_STARTED));
        if (watcherFailure.isPresent()) {
            return down(MODEL_WATCHER_DIED, "the model watcher stopped (" + rootCauseClass(watcherFailure.get())
                    + "); no newer model will be loaded", version, state, threads);
        }
        if (threads.gaveUp()) {
            return down(STREAM_THREADS_FAILING, threads.recentFailures() + " stream threads failed within the budget's"
                    + " window; the Streams application was shut down", version, state, threads);
        }
        if (version.isEmpty()) {
            return waiting(state, threads);
        }
        if (threads.restarting()) {
            return down(STREAM_THREAD_RESTARTING, "a stream thread failed and is replaced after a back-off", version,
                    state, threads);
        }
        if (streams.isEmpty() || streams.get() != KafkaStreams.State.RUNNING) {
            return down(STREAMS_NOT_RUNNING, "the Streams application is " + state.get(), version, state, threads);
        }
        return new ServingHealth(Status.UP, Optional.empty(), Optional.empty(), version, state, threads);
    }

    /** Whether {@code GET /health} answers 200. */
    public boolean up() {
        return status == Status.UP;
    }

    /**
     * The body of {@code GET /health}: {@code status}, {@code model_version}, {@code state}, and when not UP
     * {@code reason} and {@code message}; {@code thread_failures} and {@code last_thread_failure} once a thread failed.
     */
    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("status", status.name());
        modelVersion.ifPresent(v -> json.put("model_version", v));
        state.ifPresent(s -> json.put("state", s));
        reason.ifPresent(r -> json.put("reason", r));
        message.ifPresent(m -> json.put("message", m));
        if (threads.recentFailures() > 0) {
            json.put("thread_failures", threads.recentFailures());
        }
        threads.lastFailure().ifPresent(f -> json.put("last_thread_failure", f));
        return json;
    }

    /**
     * The simple class name of {@code e}'s innermost cause: what went wrong, without the message, which may carry
     * paths or addresses that an open endpoint should not show.
     */
    static String rootCauseClass(Throwable e) {
        Throwable root = e;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 16; depth++) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    private static ServingHealth waiting(Optional<String> state, Threads threads) {
        return new ServingHealth(Status.WAITING_FOR_MODEL, Optional.of(NO_MODEL),
                Optional.of("no model is in service yet"), Optional.empty(), state, threads);
    }

    private static ServingHealth down(String reason, String message, Optional<Long> version, Optional<String> state,
                                      Threads threads) {
        return new ServingHealth(Status.DOWN, Optional.of(reason), Optional.of(message), version, state, threads);
    }
}
