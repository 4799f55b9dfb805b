package io.vitsom.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vitsom.stream.Messages;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What serving's /health says for each way the service can be broken, and that the endpoint answers it. */
@ExtendWith(VertxExtension.class)
class ServingHealthTest {
    private static final Optional<Messages.ModelVersion> MODEL =
            Optional.of(AssignmentTopologyTest.version(7, Path.of("/models/v000007")));
    private static final Optional<KafkaStreams.State> RUNNING = Optional.of(KafkaStreams.State.RUNNING);

    @Test
    void upWhileAModelIsInServiceAndTheStreamsApplicationRuns() {
        ServingHealth health = ServingHealth.of(MODEL, Optional.empty(), RUNNING, ServingHealth.Threads.NONE);
        assertThat(health.up()).isTrue();
        assertThat(health.toJson()).isEqualTo(new JsonObject().put("status", "UP").put("model_version", 7L)
                .put("state", "RUNNING"));
    }

    @Test
    void waitingForModelBeforeTheFirstModelWhenNothingIsBroken() {
        ServingHealth health = ServingHealth.of(Optional.empty(), Optional.empty(), Optional.empty(),
                ServingHealth.Threads.NONE);
        assertThat(health.status()).isEqualTo(ServingHealth.Status.WAITING_FOR_MODEL);
        assertThat(health.toJson().getString("reason")).isEqualTo(ServingHealth.NO_MODEL);
        assertThat(health.toJson().getString("state")).isEqualTo(ServingHealth.NOT_STARTED);
    }

    @Test
    void downWhenTheStreamsApplicationIsNotRunning() {
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            if (state == KafkaStreams.State.RUNNING) {
                continue;
            }
            JsonObject json = ServingHealth.of(MODEL, Optional.empty(), Optional.of(state), ServingHealth.Threads.NONE)
                    .toJson();
            assertThat(json.getString("status")).as(state.name()).isEqualTo("DOWN");
            assertThat(json.getString("reason")).isEqualTo(ServingHealth.STREAMS_NOT_RUNNING);
            assertThat(json.getString("state")).isEqualTo(state.name());
            assertThat(json.getLong("model_version")).isEqualTo(7);
        }
        assertThat(ServingHealth.of(MODEL, Optional.empty(), Optional.empty(), ServingHealth.Threads.NONE).toJson()
                .getString("state")).as("a model but no application yet").isEqualTo(ServingHealth.NOT_STARTED);
    }

    @Test
    void downWhenTheModelWatcherDiedEvenWithAModelAndRunningStreamsNamingOnlyTheExceptionClass() {
        Throwable died = new IllegalStateException("secret at /home/ops/.kafka/creds",
                new TimeoutException("broker sasl://10.0.0.7:9093 timed out"));
        ServingHealth health = ServingHealth.of(MODEL, Optional.of(died), RUNNING, ServingHealth.Threads.NONE);
        JsonObject json = health.toJson();
        assertThat(json.getString("status")).isEqualTo("DOWN");
        assertThat(json.getString("reason")).isEqualTo(ServingHealth.MODEL_WATCHER_DIED);
        assertThat(json.getString("message")).contains("TimeoutException");
        assertThat(json.encode()).doesNotContain("secret").doesNotContain("10.0.0.7").doesNotContain("at io.");
        assertThat(ServingHealth.of(Optional.empty(), Optional.of(died), Optional.empty(), ServingHealth.Threads.NONE)
                .status()).as("also before the first model: none will ever come").isEqualTo(ServingHealth.Status.DOWN);
    }

    @Test
    void downWhileAFailedThreadBacksOffAndWhenTheBudgetIsSpent() {
        ServingHealth.Threads restarting = new ServingHealth.Threads(2, Optional.of("IllegalStateException"), true,
                false);
        JsonObject backingOff = ServingHealth.of(MODEL, Optional.empty(), RUNNING, restarting).toJson();
        assertThat(backingOff.getString("status")).isEqualTo("DOWN");
        assertThat(backingOff.getString("reason")).isEqualTo(ServingHealth.STREAM_THREAD_RESTARTING);
        assertThat(backingOff.getInteger("thread_failures")).isEqualTo(2);
        assertThat(backingOff.getString("last_thread_failure")).isEqualTo("IllegalStateException");

        ServingHealth.Threads gaveUp = new ServingHealth.Threads(6, Optional.of("IllegalStateException"), false, true);
        JsonObject spent = ServingHealth.of(MODEL, Optional.empty(), Optional.of(KafkaStreams.State.ERROR), gaveUp)
                .toJson();
        assertThat(spent.getString("status")).isEqualTo("DOWN");
        assertThat(spent.getString("reason")).isEqualTo(ServingHealth.STREAM_THREADS_FAILING);
        assertThat(spent.getString("state")).isEqualTo("ERROR");

        ServingHealth.Threads replaced = new ServingHealth.Threads(1, Optional.of("IllegalStateException"), false,
                false);
        ServingHealth recovered = ServingHealth.of(MODEL, Optional.empty(), RUNNING, replaced);
        assertThat(recovered.up()).as("a replaced thread that runs again").isTrue();
        assertThat(recovered.toJson().getInteger("thread_failures")).isEqualTo(1);
    }

    @Test
    void theRootCauseClassIsWhatIsShown() {
        assertThat(ServingHealth.rootCauseClass(new StreamsException(new IllegalArgumentException("x"))))
                .isEqualTo("IllegalArgumentException");
        assertThat(ServingHealth.rootCauseClass(new OutOfMemoryError())).isEqualTo("OutOfMemoryError");
    }

    @Test
    void theEndpointAnswersTheSuppliedHealth503WithTheReasonThen200(Vertx vertx, VertxTestContext test) {
        AtomicReference<ServingHealth> current = new AtomicReference<>(ServingHealth.of(MODEL, Optional.empty(),
                Optional.of(KafkaStreams.State.ERROR), new ServingHealth.Threads(6, Optional.of("IllegalStateException"),
                        false, true)));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ModelWatcher models = ModelWatcher.withoutKafka();
        ServingHttpVerticle verticle = new ServingHttpVerticle(ServingHttpConfig.defaults().withAddress("127.0.0.1", 0),
                models, registry, current::get);
        vertx.deployVerticle(verticle)
                .compose(id -> {
                    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
                            .setDefaultPort(verticle.actualPort()));
                    return client.get("/health").send().compose(down -> {
                        test.verify(() -> {
                            assertThat(down.statusCode()).isEqualTo(503);
                            JsonObject body = down.bodyAsJsonObject();
                            assertThat(body.getString("status")).isEqualTo("DOWN");
                            assertThat(body.getString("reason")).isEqualTo(ServingHealth.STREAM_THREADS_FAILING);
                            assertThat(body.getString("state")).isEqualTo("ERROR");
                            assertThat(body.getLong("model_version")).isEqualTo(7);
                        });
                        current.set(ServingHealth.of(MODEL, Optional.empty(), RUNNING, ServingHealth.Threads.NONE));
                        return client.get("/health").send();
                    });
                })
                .onComplete(test.succeeding(up -> test.verify(() -> {
                    assertThat(up.statusCode()).isEqualTo(200);
                    assertThat(up.bodyAsJsonObject().getString("status")).isEqualTo("UP");
                    models.close();
                    registry.close();
                    test.completeNow();
                })));
    }
}
