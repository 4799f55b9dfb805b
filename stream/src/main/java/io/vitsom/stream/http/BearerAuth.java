package io.vitsom.stream.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Optional shared-token authentication of an HTTP server. When on, every request except {@link #OPEN_PATHS} must
 * carry the token as {@code Authorization: Bearer <token>}, or as the password of HTTP Basic (any user name): browsers
 * cannot add a bearer header to page loads, {@code <img>} or {@code EventSource}, but after one Basic prompt they
 * re-send the credentials to the same origin by themselves. Other requests are answered 401 with
 * {@code {"error", "reason": "unauthorized"}} and a {@code WWW-Authenticate} challenge, before their body is read.
 *
 * <p>The token is compared in constant time and never logged; {@link #toString()} only says whether auth is on.
 * {@link #none()} lets every request through, as the servers did before auth existed.
 */
public final class BearerAuth {
    /** Reason code of a 401. */
    public static final String UNAUTHORIZED = "unauthorized";
    /** The realm named in challenges. */
    public static final String REALM = "vitsom";
    /**
     * Paths that stay open with auth on: liveness probes and Prometheus scrape them without credentials. Put the
     * server behind a proxy to close them (deploy/README.md shows a scrape config with a token).
     */
    public static final Set<String> OPEN_PATHS = Set.of("/health", "/metrics");

    private static final BearerAuth NONE = new BearerAuth(null);

    /** What a 401 asks the client for. */
    public enum Challenge {
        /** {@code WWW-Authenticate: Bearer}: API clients, which set the header themselves. */
        BEARER,
        /** {@code WWW-Authenticate: Basic}: a browser prompts once and then sends the token as the password. */
        BASIC
    }

    /** The token's bytes; null when auth is off. */
    private final byte[] token;

    private BearerAuth(byte[] token) {
        this.token = token;
    }

    /** Auth off: every request passes. */
    public static BearerAuth none() {
        return NONE;
    }

    /**
     * Auth with this token (surrounding white space removed).
     *
     * @throws IllegalArgumentException when the token is blank
     */
    public static BearerAuth ofToken(String token) {
        Objects.requireNonNull(token, "token");
        String trimmed = token.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("the auth token must not be blank");
        }
        return new BearerAuth(trimmed.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Auth with the token in {@code file}, read once now: its content, surrounding white space (a trailing newline)
     * removed.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or holds no token
     */
    public static BearerAuth fromFile(Path file) {
        Objects.requireNonNull(file, "file");
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // The exception's class says why (NoSuchFileException, AccessDeniedException, ...); its text is the path.
            throw new IllegalArgumentException("cannot read the auth token file " + file + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        if (content.isBlank()) {
            throw new IllegalArgumentException("the auth token file " + file + " is empty; put the token in it");
        }
        return ofToken(content);
    }

    /** Whether requests need the token. */
    public boolean enabled() {
        return token != null;
    }

    /**
     * Whether an {@code Authorization} header value carries the token, as {@code Bearer <token>} or as the password
     * of {@code Basic base64(user:password)}. Always true when auth is off.
     */
    public boolean accepts(String authorization) {
        if (token == null) {
            return true;
        }
        if (authorization == null) {
            return false;
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        if (space < 0) {
            return false;
        }
        String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
        String credentials = value.substring(space + 1).strip();
        return switch (scheme) {
            case "bearer" -> matches(credentials.getBytes(StandardCharsets.UTF_8));
            case "basic" -> basicPasswordMatches(credentials);
            default -> false;
        };
    }

    private boolean basicPasswordMatches(String encoded) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        String userAndPassword = new String(decoded, StandardCharsets.UTF_8);
        int colon = userAndPassword.indexOf(':');
        return colon >= 0 && matches(userAndPassword.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
    }

    /** Constant time in the token's length, so the answer time does not tell how much of a guess was right. */
    private boolean matches(byte[] candidate) {
        return MessageDigest.isEqual(token, candidate);
    }

    /**
     * The handler that lets a request on when it may pass ({@link #OPEN_PATHS}, or the token presented) and answers
     * 401 otherwise.
     */
    public Handler<RoutingContext> handler(Challenge challenge) {
        Objects.requireNonNull(challenge, "challenge");
        String header = switch (challenge) {
            case BEARER -> "Bearer realm=\"" + REALM + "\"";
            case BASIC -> "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"";
        };
        return ctx -> {
            if (OPEN_PATHS.contains(ctx.normalizedPath()) || accepts(ctx.request().getHeader("authorization"))) {
                ctx.next();
                return;
            }
            ctx.response().putHeader("www-authenticate", header);
            HttpErrors.send(ctx, 401, "this server needs the token: send Authorization: Bearer <token>"
                    + (challenge == Challenge.BASIC ? " (browsers: any user name, the token as password)" : ""),
                    UNAUTHORIZED);
        };
    }

    /** Says whether auth is on, never the token. */
    @Override
    public String toString() {
        return token == null ? "BearerAuth[off]" : "BearerAuth[on]";
    }
}
