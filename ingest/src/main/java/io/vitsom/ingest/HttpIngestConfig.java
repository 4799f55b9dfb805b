package io.vitsom.ingest;

import io.vitsom.model.data.ImageLimits;
import io.vitsom.stream.Topic;
import io.vitsom.stream.Topics;
import java.time.Duration;
import java.util.Objects;

/**
 * Where {@link IngestHttpVerticle} listens and what it accepts.
 *
 * @param host interface to bind ({@code 0.0.0.0} for all)
 * @param port TCP port; 0 picks a free one ({@link IngestHttpVerticle#actualPort()} tells which)
 * @param maxBodyBytes larger uploads are refused with 413
 * @param ackTimeout how long an upload waits for the broker's acknowledgement before it is answered 503
 * @param topic where the images go
 * @param limits images above these (bytes, or pixels their header claims) are refused with 413
 *     {@code too-large-image} before they reach Kafka
 */
public record HttpIngestConfig(String host, int port, int maxBodyBytes, Duration ackTimeout,
                               Topic<String, byte[]> topic, ImageLimits limits) {
    /** Default port: next to serving (8080); the dashboard uses 8088. */
    public static final int DEFAULT_PORT = 8081;
    /** Default interface: this machine only, as the embedded broker. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Default upload limit: 10 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
    /** Default wait for the broker. */
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(10);

    public HttpIngestConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(limits, "limits");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
        }
        if (ackTimeout.isNegative() || ackTimeout.isZero()) {
            throw new IllegalArgumentException("ackTimeout must be positive, got " + ackTimeout);
        }
    }

    /** The defaults: 127.0.0.1:8081, 10 MiB, 10 s, topic {@code images}. */
    public static HttpIngestConfig defaults() {
        return new HttpIngestConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES, DEFAULT_ACK_TIMEOUT,
                Topics.defaults().images(), ImageLimits.DEFAULT);
    }

    /** This config on another interface and port. */
    public HttpIngestConfig withAddress(String newHost, int newPort) {
        return new HttpIngestConfig(newHost, newPort, maxBodyBytes, ackTimeout, topic, limits);
    }

    /** This config with another upload limit. */
    public HttpIngestConfig withMaxBodyBytes(int newMaxBodyBytes) {
        return new HttpIngestConfig(host, port, newMaxBodyBytes, ackTimeout, topic, limits);
    }

    /** This config with another acknowledgement timeout. */
    public HttpIngestConfig withAckTimeout(Duration newAckTimeout) {
        return new HttpIngestConfig(host, port, maxBodyBytes, newAckTimeout, topic, limits);
    }

    /** This config writing to another topic. */
    public HttpIngestConfig withTopic(Topic<String, byte[]> newTopic) {
        return new HttpIngestConfig(host, port, maxBodyBytes, ackTimeout, newTopic, limits);
    }

    /** This config with other image limits. */
    public HttpIngestConfig withLimits(ImageLimits newLimits) {
        return new HttpIngestConfig(host, port, maxBodyBytes, ackTimeout, topic, newLimits);
    }
}
