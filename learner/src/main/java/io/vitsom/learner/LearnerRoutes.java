package io.vitsom.learner;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vitsom.learner.novel.NovelRelease;
import io.vitsom.stream.http.CheckpointFiles;
import io.vitsom.stream.http.HttpErrors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The learner's own routes on its status server (all behind its token): the checkpoints' files for serving
 * elsewhere, {@code POST /v1/shadow/start} and {@code /v1/shadow/promote} for the shadow map, and
 * {@code POST /v1/novel/release?all=true} or {@code ?key=K} (repeatable) to release quarantined images.
 */
public final class LearnerRoutes {
    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(60);

    private LearnerRoutes() {
    }

    /**
     * Adds the routes.
     *
     * @param learner the loop the shadow requests go to (the one running now; may change between calls in tests)
     * @param release releases quarantined images
     */
    public static void add(Router router, Path checkpointDir, Supplier<OnlineLearner> learner,
                           Supplier<NovelRelease> release) {
        CheckpointFiles.add(router, checkpointDir);
        router.post("/v1/shadow/start").handler(ctx -> shadow(ctx, learner.get(), ShadowControl.Action.START));
        router.post("/v1/shadow/promote").handler(ctx -> shadow(ctx, learner.get(), ShadowControl.Action.PROMOTE));
        router.post("/v1/novel/release").handler(BodyHandler.create().setBodyLimit(4096))
                .handler(ctx -> release(ctx, release.get()));
    }

    private static void shadow(RoutingContext ctx, OnlineLearner learner, ShadowControl.Action action) {
        if (learner == null || learner.state() != OnlineLearner.State.RUNNING) {
            HttpErrors.send(ctx, 503, "the learner is not running", "not-running");
            return;
        }
        CompletableFuture<String> done = learner.shadowControl().request(action)
                .orTimeout(CONTROL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        done.whenComplete((message, failure) -> ctx.vertx().runOnContext(v -> {
            if (failure == null) {
                ctx.json(new JsonObject().put("status", "ok").put("message", message));
            } else {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                if (cause instanceof IllegalStateException) {
                    HttpErrors.send(ctx, 409, cause.getMessage(), "no-shadow");
                } else {
                    HttpErrors.send(ctx, 503, "the learner did not answer within " + CONTROL_TIMEOUT.toSeconds()
                            + " s", "timeout");
                }
            }
        }));
    }

    private static void release(RoutingContext ctx, NovelRelease release) {
        boolean all = "true".equals(ctx.request().getParam("all"));
        List<String> keys = ctx.queryParam("key");
        if (all == !keys.isEmpty()) {
            HttpErrors.send(ctx, 400, "give all=true or key=K (repeatable), not both", "bad-request");
            return;
        }
        Set<String> selected = new LinkedHashSet<>(keys);
        ctx.vertx().<NovelRelease.Result>executeBlocking(() -> release.release(
                        all ? NovelRelease.Selection.all() : NovelRelease.Selection.keys(selected),
                        Duration.ofSeconds(30)))
                .onSuccess(result -> ctx.json(new JsonObject().put("status", "ok")
                        .put("released", result.released())
                        .put("keys", result.keysReleased())
                        .put("not_found", result.keysNotFound())
                        .put("complete", result.complete())))
                .onFailure(e -> HttpErrors.send(ctx, 503, "releasing failed: " + e.getMessage(), "kafka"));
    }
}
