package io.vitsom.learner.novel;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vitsom promote} against a stand-in for the learner's HTTP server. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class PromoteCommandTest {
    /** What the stand-in saw: method, path and Authorization header of each request. */
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private volatile int status;
    private volatile String body;
    private String url;

    @TempDir
    Path tmp;

    @BeforeEach
    void startLearner() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/shadow/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopLearner() {
        server.stop(0);
    }

    @Test
    void promotesWithTheTokenAndPrintsTheAnswer() throws IOException {
        answer(200, "{\"promoted\":true,\"model_version\":12}");
        Path token = Files.writeString(tmp.resolve("token"), "learner-token\n");
        Run run = promote("--learner", url + "/", "--auth-token-file", token.toString());
        assertThat(run.status).as(run.err).isZero();
        assertThat(run.out.strip()).isEqualTo("{\"promoted\":true,\"model_version\":12}");
        assertThat(requests).containsExactly("POST /v1/shadow/promote Bearer learner-token");
    }

    @Test
    void startsAFreshShadowMapWithoutAToken() {
        answer(200, "{\"started\":true}");
        Run run = promote("--learner", url, "--start");
        assertThat(run.status).isZero();
        assertThat(requests).containsExactly("POST /v1/shadow/start null");
    }

    @Test
    void noShadowMapIsTheLearnersMessage() {
        answer(409, "{\"error\":\"no shadow map is training; start one first\",\"reason\":\"no-shadow\"}");
        Run run = promote("--learner", url);
        assertThat(run.status).isEqualTo(1);
        assertThat(run.err.strip()).isEqualTo("error: no shadow map is training; start one first");
        assertThat(run.out).isEmpty();
    }

    @Test
    void aRefusedTokenSaysSo() throws IOException {
        answer(401, "{\"error\":\"missing or wrong token\",\"reason\":\"unauthorized\"}");
        assertThat(promote("--learner", url).err).contains("requires a token (401)").contains("--auth-token-file");
        Path token = Files.writeString(tmp.resolve("token"), "wrong");
        Run run = promote("--learner", url, "--auth-token-file", token.toString());
        assertThat(run.status).isEqualTo(1);
        assertThat(run.err).contains("refused the token in " + token);
    }

    @Test
    void otherAnswersAreQuoted() {
        answer(404, "Not Found");
        Run run = promote("--learner", url);
        assertThat(run.status).isEqualTo(1);
        assertThat(run.err.strip()).isEqualTo("error: the learner at " + url + " answered 404: Not Found");
    }

    @Test
    void noLearnerListening() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Run run = promote("--learner", "http://127.0.0.1:" + port);
        assertThat(run.status).isEqualTo(1);
        assertThat(run.err.strip()).isEqualTo("error: no learner at http://127.0.0.1:" + port
                + " (is it running? --learner)");
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(promote("--learner", "127.0.0.1:8082").err).contains("not an http:// or https:// URL");
        assertThat(promote("--learner", "ftp://host").status).isEqualTo(2);
        Run missing = promote("--learner", url, "--auth-token-file", tmp.resolve("absent").toString());
        assertThat(missing.status).isEqualTo(2);
        assertThat(missing.err).contains("cannot read the auth token file");
        assertThat(requests).isEmpty();
    }

    private void answer(int status, String body) {
        this.status = status;
        this.body = body;
    }

    private record Run(int status, String out, String err) {
    }

    private static Run promote(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new PromoteCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int status = command.execute(args);
        return new Run(status, out.toString(), err.toString());
    }
}
