package io.vitsom.learner.novel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vitsom promote}: asks a running learner, over its HTTP server, to make its shadow map the live one
 * ({@code POST /v1/shadow/promote}) or, with {@code --start}, to start a fresh shadow map ({@code POST
 * /v1/shadow/start}). The learner does the work; this command only reports its answer.
 */
@Command(name = "promote", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Promote the learner's shadow map to be the live map: POST <learner>" + PromoteCommand.PROMOTE
                + ", and print the learner's JSON answer.",
                "With --start, start a fresh shadow map beside the live one instead: POST <learner>"
                        + PromoteCommand.START + "."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done (the learner answered 200)",
                "1:the learner refused (409: no shadow map to promote, or one already training; 401: token missing "
                        + "or wrong) or could not be reached",
                "2:usage error"})
public final class PromoteCommand implements Callable<Integer> {
    /** Path that promotes the shadow map. */
    public static final String PROMOTE = "/v1/shadow/promote";
    /** Path that starts a fresh shadow map. */
    public static final String START = "/v1/shadow/start";
    /** Limit of connecting. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /**
     * Limit of waiting for the answer: the learner carries a request out between two training steps, which on a busy
     * machine with a shadow map take many seconds; its own limit is 60 s, after which it answers 503 itself.
     */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(75);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest piece of a non-JSON error body quoted back: it may be a whole HTML page. */
    private static final int QUOTED_BODY_CHARS = 200;

    @Spec
    CommandSpec spec;

    @Option(names = "--learner", paramLabel = "URL", defaultValue = "http://127.0.0.1:8082",
            description = "the learner's HTTP server (learn --host/--port) (default: ${DEFAULT-VALUE})")
    String learner;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "the learner's --auth-token-file, sent as Authorization: Bearer <token> (read once, white "
                    + "space trimmed)")
    Path authTokenFile;

    @Option(names = "--start", description = "start a fresh shadow map (POST " + START + ") instead of promoting")
    boolean start;

    @Override
    public Integer call() {
        URI base = base();
        Optional<String> token = token();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + (start ? START : PROMOTE)))
                .timeout(ANSWER_TIMEOUT).header("Accept", "application/json").POST(HttpRequest.BodyPublishers.noBody());
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        PrintWriter err = spec.commandLine().getErr();
        HttpResponse<String> response;
        try {
            // HTTP/1.1: the default would first try an h2c upgrade, which Vert.x servers accept, for nothing here.
            response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            err.println("error: no learner at " + base + " (no connection within " + TIMEOUT.toSeconds()
                    + " s; is it running? --learner)");
            return 1;
        } catch (HttpTimeoutException e) {
            err.println("error: the learner at " + base + " did not answer within " + ANSWER_TIMEOUT.toSeconds()
                    + " s");
            return 1;
        } catch (IOException e) {
            // The client reports a refused connection (and an unknown host) as a ConnectException or wraps one.
            if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
                err.println("error: no learner at " + base + " (is it running? --learner)");
            } else {
                err.println("error: talking to the learner at " + base + " failed: " + e);
            }
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted while waiting for the learner at " + base);
            return 1;
        }
        return report(base, response);
    }

    private int report(URI base, HttpResponse<String> response) {
        PrintWriter err = spec.commandLine().getErr();
        switch (response.statusCode()) {
            case 200 -> {
                spec.commandLine().getOut().println(response.body());
                return 0;
            }
            case 401 -> err.println("error: the learner at " + base + (authTokenFile == null
                    ? " requires a token (401): give the file of its --auth-token-file with --auth-token-file FILE"
                    : " refused the token in " + authTokenFile + " (401): it must hold the learner's "
                            + "--auth-token-file token"));
            case 409 -> err.println("error: " + errorText(response));
            default -> err.println("error: the learner at " + base + " answered " + response.statusCode() + ": "
                    + errorText(response));
        }
        return 1;
    }

    /** The {@code "error"} of the project's JSON error bodies; otherwise the body itself, shortened. */
    private static String errorText(HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body().strip();
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.isTextual() && !error.asText().isBlank()) {
                return error.asText();
            }
        } catch (IOException notJson) {
            // Quoted as text below.
        }
        if (body.isEmpty()) {
            return "(empty answer, HTTP " + response.statusCode() + ")";
        }
        return body.length() > QUOTED_BODY_CHARS ? body.substring(0, QUOTED_BODY_CHARS) + "..." : body;
    }

    /** {@code --learner} without trailing slashes; a usage error unless it is an http(s) URL with a host. */
    private URI base() {
        String text = learner.strip().replaceAll("/+$", "");
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getHost() == null) {
            throw new ParameterException(spec.commandLine(), "--learner " + learner
                    + " is not an http:// or https:// URL with a host (e.g. http://127.0.0.1:8082)");
        }
        return uri;
    }

    /** The token, read the way the servers read their {@code --auth-token-file}; a usage error when unusable. */
    private Optional<String> token() {
        if (authTokenFile == null) {
            return Optional.empty();
        }
        String content;
        try {
            content = Files.readString(authTokenFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read the auth token file " + authTokenFile
                    + " (" + e.getClass().getSimpleName() + ")");
        }
        if (content.isBlank()) {
            throw new ParameterException(spec.commandLine(), "the auth token file " + authTokenFile
                    + " is empty; put the token in it");
        }
        return Optional.of(content.strip());
    }
}
