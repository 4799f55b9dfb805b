package io.vitsom.serving;

import java.util.Objects;

/**
 * Settings of the HTTP endpoint.
 *
 * @param host address to bind ({@code 0.0.0.0} for every interface)
 * @param port port to bind; 0 picks a free one (see {@link ServingHttpVerticle#actualPort()})
 * @param workerThreads threads that run inference for HTTP requests, off the event loop; libtorch already
 *     spreads one image's work over the cores, so a few are enough
 * @param maxBodyBytes largest accepted request body; larger uploads are answered 413
 */
public record ServingHttpConfig(String host, int port, int workerThreads, long maxBodyBytes) {
    /** Default port. */
    public static final int DEFAULT_PORT = 8080;

    public ServingHttpConfig {
        Objects.requireNonNull(host, "host");
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
    }

    /** Every interface, port {@value #DEFAULT_PORT}, 2 inference threads, bodies up to 10 MiB. */
    public static ServingHttpConfig defaults() {
        return new ServingHttpConfig("0.0.0.0", DEFAULT_PORT, 2, 10L * 1024 * 1024);
    }

    /** The same settings on another address and port. */
    public ServingHttpConfig withAddress(String newHost, int newPort) {
        return new ServingHttpConfig(newHost, newPort, workerThreads, maxBodyBytes);
    }
}
