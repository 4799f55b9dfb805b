package io.vitsom.stream.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON error answers, {@code {"error": <text for people>, "reason": <code>}}. An internal failure is answered with a
 * generic text and an error id ({@code "error_id"}) only: the exception, which may name files, hosts or classes, goes
 * to the log under the same id, never to the client.
 */
public final class HttpErrors {
    /** Reason code of a 500. */
    public static final String INTERNAL = "internal-error";

    private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

    private HttpErrors() {
    }

    /**
     * Answers {@code status} with {@code {"error": message, "reason": reason}}; does nothing when the response was
     * already sent (a request that timed out meanwhile).
     */
    public static void send(RoutingContext ctx, int status, String message, String reason) {
        send(ctx, status, new JsonObject().put("error", message).put("reason", reason));
    }

    /**
     * Logs {@code failure} with its stack trace under a new error id and answers 500 with that id and a generic text.
     *
     * @return the error id
     */
    public static String internal(RoutingContext ctx, Throwable failure) {
        String id = newErrorId();
        LOG.error("error id {}: {} {} failed", id, ctx.request().method(), ctx.normalizedPath(), failure);
        send(ctx, 500, new JsonObject()
                .put("error", "internal error; the server's log has the details under error id " + id)
                .put("reason", INTERNAL)
                .put("error_id", id));
        return id;
    }

    /** 12 random hex digits: enough to find one log line, too few to be a secret. */
    static String newErrorId() {
        byte[] bytes = new byte[6];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void send(RoutingContext ctx, int status, JsonObject body) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            // A stream already under way cannot change its status: end it.
            response.end();
            return;
        }
        response.setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
}
