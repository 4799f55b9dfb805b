package io.vitsom.serving;

import io.vitsom.model.data.ImageLimits;
import io.vitsom.stream.http.BearerAuth;
import io.vitsom.stream.http.HttpServers;
import java.util.Objects;

/**
 * Settings of the HTTP endpoint.
 *
 * @param host address to bind ({@code 0.0.0.0} for every interface)
 * @param port port to bind; 0 picks a free one (see {@link ServingHttpVerticle#actualPort()})
 * @param workerThreads threads that run inference for HTTP requests, off the event loop; libtorch already
 *     spreads one image's work over the cores, so a few are enough
 * @param maxBodyBytes largest accepted request body; larger uploads are answered 413
 * @param maxPending most {@code POST /v1/assign} requests admitted at once (their body being read, waiting for a
 *     worker, or in inference); one more is answered 503 with {@code Retry-After} before its body is read
 * @param auth the token every route but {@code /health} and {@code /metrics} needs ({@link BearerAuth#none()}: none)
 * @param limits the largest image {@code POST /v1/assign} decodes (bytes, and pixels its header claims); larger ones
 *     are answered 413 {@code too-large-image}
 */
public record ServingHttpConfig(String host, int port, int workerThreads, long maxBodyBytes, int maxPending,
                                BearerAuth auth, ImageLimits limits) {
    /** Default port. */
    public static final int DEFAULT_PORT = 8080;
    /** Default inference threads. */
    public static final int DEFAULT_WORKER_THREADS = 2;
    /**
     * Default admitted requests per inference thread. An admitted request holds its body (up to 10 MiB), so the
     * limit bounds memory (16 x 10 MiB = 160 MiB in the worst case, within serve's 2 GB heap) and latency: one image
     * takes milliseconds, so the last of 16 waits tens of milliseconds, while a burst beyond that gets an immediate
     * 503 to retry instead of a queue that grows until clients time out.
     */
    public static final int DEFAULT_PENDING_PER_WORKER = 8;

    public ServingHttpConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(limits, "limits");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (workerThreads <= 0) {
            throw new IllegalArgumentException("workerThreads must be positive, got " + workerThreads);
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
        }
        if (maxPending < workerThreads) {
            throw new IllegalArgumentException("maxPending must be at least workerThreads (" + workerThreads
                    + "), got " + maxPending);
        }
    }

    /**
     * This machine only ({@value HttpServers#DEFAULT_HOST}), port {@value #DEFAULT_PORT},
     * {@value #DEFAULT_WORKER_THREADS} inference threads, bodies up to 10 MiB, {@value #DEFAULT_PENDING_PER_WORKER}
     * admitted requests per thread, no auth.
     */
    public static ServingHttpConfig defaults() {
        return new ServingHttpConfig(HttpServers.DEFAULT_HOST, DEFAULT_PORT, DEFAULT_WORKER_THREADS,
                10L * 1024 * 1024, DEFAULT_PENDING_PER_WORKER * DEFAULT_WORKER_THREADS, BearerAuth.none(),
                ImageLimits.DEFAULT);
    }

    /** The same settings on another address and port. */
    public ServingHttpConfig withAddress(String newHost, int newPort) {
        return new ServingHttpConfig(newHost, newPort, workerThreads, maxBodyBytes, maxPending, auth, limits);
    }

    /** The same settings with another number of inference threads and admitted requests. */
    public ServingHttpConfig withCapacity(int newWorkerThreads, int newMaxPending) {
        return new ServingHttpConfig(host, port, newWorkerThreads, maxBodyBytes, newMaxPending, auth, limits);
    }

    /** The same settings with another body limit. */
    public ServingHttpConfig withMaxBodyBytes(long newMaxBodyBytes) {
        return new ServingHttpConfig(host, port, workerThreads, newMaxBodyBytes, maxPending, auth, limits);
    }

    /** The same settings with another auth. */
    public ServingHttpConfig withAuth(BearerAuth newAuth) {
        return new ServingHttpConfig(host, port, workerThreads, maxBodyBytes, maxPending, newAuth, limits);
    }

    /** The same settings with other image limits. */
    public ServingHttpConfig withLimits(ImageLimits newLimits) {
        return new ServingHttpConfig(host, port, workerThreads, maxBodyBytes, maxPending, auth, newLimits);
    }
}
