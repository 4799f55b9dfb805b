package io.vitsom.stream.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What every HTTP server of the project shares: the server options, the default address, and the guards every
 * router installs first ({@link #guard}): auth, a request timeout, and JSON answers for failures.
 */
public final class HttpServers {
    /**
     * Default address of every server: this machine only. Listening on every interface ({@code --host 0.0.0.0}, as
     * containers need) is a choice to make knowingly, together with {@code --auth-token-file}.
     */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /**
     * A connection with no bytes in either direction for this long is closed, so idle or stalled clients do not hold
     * sockets forever. Above Prometheus' 15 s scrape interval (its keep-alive connection survives between scrapes)
     * and above the dashboard's event stream, which writes every second.
     */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    /**
     * A request not answered this long after it arrived (its body upload included) is answered 503
     * {@code "reason": "timeout"}. Far above what any route needs (an assignment takes milliseconds, an upload waits
     * at most its broker acknowledgement timeout, 10 s by default); long-lived streams are exempt.
     */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Reason code of a request that ran past {@link #REQUEST_TIMEOUT}. */
    public static final String TIMEOUT = "timeout";
    /** Reason code of a body above the server's limit. */
    public static final String TOO_LARGE = "too-large";

    private HttpServers() {
    }

    /**
     * HTTP/1.1 only: no cleartext HTTP/2 upgrade (h2c). The JDK's {@code HttpClient} asks for h2c by default, and
     * between it (JDK 17) and Vert.x 5 the upgraded exchange sometimes never delivers the response body or garbles
     * its framing (about one request in ten with a 20 KB body here), which hung a Prometheus test in CI. Prometheus,
     * browsers and curl speak HTTP/1.1 to plain-text ports anyway, so nothing is lost. Idle connections are closed
     * after {@link #IDLE_TIMEOUT}.
     */
    public static HttpServerOptions options() {
        return new HttpServerOptions().setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) IDLE_TIMEOUT.toSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS);
    }

    /**
     * Installs the guards on a new router, before any route: {@code auth} ({@link BearerAuth}; everything but
     * {@code /health} and {@code /metrics} needs the token when it is on), the {@link #REQUEST_TIMEOUT} on every path
     * but {@code longLivedPaths}, and JSON error answers: 500 with an error id instead of the exception
     * ({@link HttpErrors#internal}), 503 {@value #TIMEOUT}, 413 {@value #TOO_LARGE} (a server may replace this one
     * with its own {@code router.errorHandler(413, ...)} after this call).
     *
     * @param challenge what a 401 asks for: {@link BearerAuth.Challenge#BASIC} for pages a browser opens
     * @param longLivedPaths paths that stream for as long as the client stays (server-sent events)
     */
    public static void guard(Router router, BearerAuth auth, BearerAuth.Challenge challenge,
                             Set<String> longLivedPaths) {
        guard(router, auth, challenge, longLivedPaths, REQUEST_TIMEOUT);
    }

    /**
     * {@link #guard(Router, BearerAuth, BearerAuth.Challenge, Set)} with another request timeout, for a server whose
     * requests may legitimately wait longer (an upload waiting for its broker acknowledgement) or for tests.
     */
    public static void guard(Router router, BearerAuth auth, BearerAuth.Challenge challenge,
                             Set<String> longLivedPaths, Duration requestTimeout) {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(challenge, "challenge");
        Set<String> exempt = Set.copyOf(longLivedPaths);
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, got " + requestTimeout);
        }
        // Auth first: an unauthorised request is answered before its body is read or anything else runs.
        if (auth.enabled()) {
            router.route().handler(auth.handler(challenge));
        }
        Handler<RoutingContext> timeout = TimeoutHandler.create(requestTimeout.toMillis(), 503);
        router.route().handler(ctx -> {
            if (exempt.contains(ctx.normalizedPath())) {
                ctx.next();
            } else {
                timeout.handle(ctx);
            }
        });
        router.errorHandler(500, ctx -> HttpErrors.internal(ctx, ctx.failure() != null ? ctx.failure()
                : new IllegalStateException("the request failed with 500 without an exception")));
        router.errorHandler(503, ctx -> HttpErrors.send(ctx, 503, "the server did not answer within "
                + requestTimeout.toMillis() + " ms", TIMEOUT));
        router.errorHandler(413, ctx -> HttpErrors.send(ctx, 413, "the request body is larger than this server "
                + "accepts", TOO_LARGE));
    }
}
