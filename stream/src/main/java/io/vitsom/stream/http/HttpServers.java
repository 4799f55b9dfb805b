package io.vitsom.stream.http;

import io.vertx.core.http.HttpServerOptions;

/** The options every HTTP server of the project is created with. */
public final class HttpServers {
    private HttpServers() {
    }

    /**
     * HTTP/1.1 only: no cleartext HTTP/2 upgrade (h2c). The JDK's {@code HttpClient} asks for h2c by default, and
     * between it (JDK 17) and Vert.x 5 the upgraded exchange sometimes never delivers the response body or garbles
     * its framing (about one request in ten with a 20 KB body here), which hung a Prometheus test in CI. Prometheus,
     * browsers and curl speak HTTP/1.1 to plain-text ports anyway, so nothing is lost.
     */
    public static HttpServerOptions options() {
        return new HttpServerOptions().setHttp2ClearTextEnabled(false);
    }
}
