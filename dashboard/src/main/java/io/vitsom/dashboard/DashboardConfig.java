package io.vitsom.dashboard;

import io.vitsom.model.config.Distance;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import io.vitsom.stream.http.BearerAuth;
import io.vitsom.stream.http.HttpServers;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the dashboard. Invalid values fail here, naming the field.
 *
 * @param host address to bind ({@code 0.0.0.0} for every interface)
 * @param port port to bind; 0 picks a free one ({@link Dashboard#port()})
 * @param clients the Kafka cluster
 * @param topics the topic names ({@code som.assignments}, {@code som.prototypes}, {@code som.models},
 *     {@code som.events} and {@code som.learning} are read, {@code images.valid} is where consumer lag is measured)
 * @param window assignments in the rolling window behind the hit map, label map and topology metrics
 * @param distance the map's distance, used for the U-matrix (the model records do not carry it)
 * @param sampleEvery how often the topology metrics are sampled into the history the charts show
 * @param historySize samples kept (the charts' time span is {@code historySize x sampleEvery})
 * @param pushEvery how often the page is sent the current state over server-sent events
 * @param lagEvery how often consumer lag is measured
 * @param liveAssignments most recent assignments shown in the live list
 * @param modelHistory model versions kept in the checkpoint history
 * @param groups consumer groups whose lag on {@code images.valid} is shown
 * @param links other parts of the pipeline the page links to
 * @param auth the token every route but {@code /health} and {@code /metrics} needs; browsers send it as the password
 *     of HTTP Basic ({@link BearerAuth#none()}: open)
 */
public record DashboardConfig(String host, int port, KafkaClients clients, Topics topics, int window,
                              Distance distance, Duration sampleEvery, int historySize, Duration pushEvery,
                              Duration lagEvery, int liveAssignments, int modelHistory, List<String> groups,
                              List<Link> links, BearerAuth auth) {
    /** Default port. */
    public static final int DEFAULT_PORT = 8088;
    /** Default rolling window, in assignments. */
    public static final int DEFAULT_WINDOW = 2_000;
    /** The learner's consumer group and serving's Kafka Streams application id, as they start by default. */
    public static final List<String> DEFAULT_GROUPS = List.of("vitsom-learner", "vitsom-serving");

    /**
     * A part of the pipeline the page links to.
     *
     * @param name what it is
     * @param url where it listens
     */
    public record Link(String name, String url) {
        public Link {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(url, "url");
        }
    }

    public DashboardConfig {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(topics, "topics");
        if (window <= 0) {
            throw new IllegalArgumentException("window must be positive, got " + window);
        }
        Objects.requireNonNull(distance, "distance");
        requirePositive(sampleEvery, "sampleEvery");
        if (historySize <= 1) {
            throw new IllegalArgumentException("historySize must be at least 2, got " + historySize);
        }
        requirePositive(pushEvery, "pushEvery");
        requirePositive(lagEvery, "lagEvery");
        if (liveAssignments <= 0) {
            throw new IllegalArgumentException("liveAssignments must be positive, got " + liveAssignments);
        }
        if (modelHistory <= 0) {
            throw new IllegalArgumentException("modelHistory must be positive, got " + modelHistory);
        }
        groups = List.copyOf(Objects.requireNonNull(groups, "groups"));
        for (String group : groups) {
            if (group.isBlank()) {
                throw new IllegalArgumentException("groups must not contain a blank name");
            }
        }
        links = List.copyOf(Objects.requireNonNull(links, "links"));
        Objects.requireNonNull(auth, "auth");
    }

    /** Settings without auth. */
    public DashboardConfig(String host, int port, KafkaClients clients, Topics topics, int window, Distance distance,
                           Duration sampleEvery, int historySize, Duration pushEvery, Duration lagEvery,
                           int liveAssignments, int modelHistory, List<String> groups, List<Link> links) {
        this(host, port, clients, topics, window, distance, sampleEvery, historySize, pushEvery, lagEvery,
                liveAssignments, modelHistory, groups, links, BearerAuth.none());
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /**
     * This machine only ({@value HttpServers#DEFAULT_HOST}), port {@value #DEFAULT_PORT}, a window of {@value #DEFAULT_WINDOW} assignments, cosine
     * distance (every shipped config), a sample every 2 s with 30 minutes of history, a push every second, lag
     * every 5 s, the last 20 assignments, 50 model versions, the default learner and serving groups, no links, no
     * auth.
     */
    public static DashboardConfig defaults(KafkaClients clients, Topics topics) {
        return new DashboardConfig(HttpServers.DEFAULT_HOST, DEFAULT_PORT, clients, topics, DEFAULT_WINDOW, Distance.COSINE,
                Duration.ofSeconds(2), 900, Duration.ofSeconds(1), Duration.ofSeconds(5), 20, 50, DEFAULT_GROUPS,
                List.of());
    }

    /** The same settings on another address and port. */
    public DashboardConfig withAddress(String newHost, int newPort) {
        return new DashboardConfig(newHost, newPort, clients, topics, window, distance, sampleEvery, historySize,
                pushEvery, lagEvery, liveAssignments, modelHistory, groups, links, auth);
    }

    /** The same settings with another rolling window. */
    public DashboardConfig withWindow(int newWindow) {
        return new DashboardConfig(host, port, clients, topics, newWindow, distance, sampleEvery, historySize,
                pushEvery, lagEvery, liveAssignments, modelHistory, groups, links, auth);
    }

    /** The same settings for a map with another distance. */
    public DashboardConfig withDistance(Distance newDistance) {
        return new DashboardConfig(host, port, clients, topics, window, newDistance, sampleEvery, historySize,
                pushEvery, lagEvery, liveAssignments, modelHistory, groups, links, auth);
    }

    /** The same settings with other sampling, push and lag intervals. */
    public DashboardConfig withIntervals(Duration newSampleEvery, Duration newPushEvery, Duration newLagEvery) {
        return new DashboardConfig(host, port, clients, topics, window, distance, newSampleEvery, historySize,
                newPushEvery, newLagEvery, liveAssignments, modelHistory, groups, links, auth);
    }

    /** The same settings watching other consumer groups. */
    public DashboardConfig withGroups(List<String> newGroups) {
        return new DashboardConfig(host, port, clients, topics, window, distance, sampleEvery, historySize,
                pushEvery, lagEvery, liveAssignments, modelHistory, newGroups, links, auth);
    }

    /** The same settings with other links. */
    public DashboardConfig withLinks(List<Link> newLinks) {
        return new DashboardConfig(host, port, clients, topics, window, distance, sampleEvery, historySize,
                pushEvery, lagEvery, liveAssignments, modelHistory, groups, newLinks, auth);
    }

    /** The same settings with another auth. */
    public DashboardConfig withAuth(BearerAuth newAuth) {
        return new DashboardConfig(host, port, clients, topics, window, distance, sampleEvery, historySize,
                pushEvery, lagEvery, liveAssignments, modelHistory, groups, links, newAuth);
    }
}
