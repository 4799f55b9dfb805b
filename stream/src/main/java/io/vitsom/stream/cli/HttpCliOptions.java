package io.vitsom.stream.cli;

import io.vitsom.stream.http.BearerAuth;
import io.vitsom.stream.http.HttpServers;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --host} and {@code --auth-token-file}, the same on every command that serves HTTP (a picocli mixin).
 * Servers bind {@value HttpServers#DEFAULT_HOST} unless {@code --host} says otherwise.
 */
public final class HttpCliOptions {
    @Option(names = "--host", defaultValue = HttpServers.DEFAULT_HOST,
            description = "address the HTTP server binds; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}, "
                    + "this machine only)")
    String host;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "require the token in FILE (read once, white space trimmed) on every HTTP route but "
                    + "/health and /metrics: Authorization: Bearer <token>, or HTTP Basic with the token as password "
                    + "(browsers); others get 401 (default: no auth)")
    Path authTokenFile;

    /** The address to bind. */
    public String host() {
        return host;
    }

    /**
     * The auth the options ask for, the token read from its file now.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or is empty
     */
    public BearerAuth auth() {
        return authTokenFile == null ? BearerAuth.none() : BearerAuth.fromFile(authTokenFile);
    }
}
