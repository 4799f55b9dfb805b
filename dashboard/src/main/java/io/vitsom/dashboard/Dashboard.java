package io.vitsom.dashboard;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The dashboard as one deployable unit: the HTTP server ({@link DashboardVerticle}), the feed of the {@code som.*}
 * topics ({@link KafkaFeedVerticle}) and the lag measurement ({@link ConsumerLagVerticle}), sharing one
 * {@link DashboardState}. The HTTP server is deployed first, so a taken port fails before anything connects to
 * Kafka; when any part fails, the parts already deployed are undeployed again.
 */
public final class Dashboard {
    private final Vertx vertx;
    private final DashboardState state;
    private final DashboardVerticle http;
    private final List<String> deployments;

    private Dashboard(Vertx vertx, DashboardState state, DashboardVerticle http, List<String> deployments) {
        this.vertx = vertx;
        this.state = state;
        this.http = http;
        this.deployments = List.copyOf(deployments);
    }

    /** Deploys the dashboard on {@code vertx}; the future fails with the reason when a part cannot start. */
    public static Future<Dashboard> deploy(Vertx vertx, DashboardConfig config, PrometheusMeterRegistry registry) {
        Objects.requireNonNull(vertx, "vertx");
        DashboardState state = new DashboardState(Objects.requireNonNull(config, "config"));
        DashboardVerticle http = new DashboardVerticle(state, Objects.requireNonNull(registry, "registry"));
        List<String> ids = new ArrayList<>();
        return vertx.deployVerticle(http)
                .compose(id -> {
                    ids.add(id);
                    return vertx.deployVerticle(new KafkaFeedVerticle(state));
                })
                .compose(id -> {
                    ids.add(id);
                    return vertx.deployVerticle(new ConsumerLagVerticle(state));
                })
                .map(id -> {
                    ids.add(id);
                    return new Dashboard(vertx, state, http, ids);
                })
                .recover(e -> undeploy(vertx, ids).transform(done -> Future.failedFuture(e)));
    }

    /** The bound HTTP port. */
    public int port() {
        return http.actualPort();
    }

    /** What the page shows. */
    public DashboardState state() {
        return state;
    }

    /** Undeploys every part. */
    public Future<Void> close() {
        return undeploy(vertx, deployments);
    }

    private static Future<Void> undeploy(Vertx vertx, List<String> ids) {
        List<Future<?>> undeployed = new ArrayList<>();
        for (String id : ids) {
            undeployed.add(vertx.undeploy(id));
        }
        return Future.join(undeployed).mapEmpty();
    }
}
