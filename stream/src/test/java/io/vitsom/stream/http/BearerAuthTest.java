package io.vitsom.stream.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the token and checking {@code Authorization} headers. */
class BearerAuthTest {
    private static final String TOKEN = "s3cret-token";

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theTokenFileIsReadOnceAndTrimmed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "  " + TOKEN + "\n");
        BearerAuth auth = BearerAuth.fromFile(file);
        Files.writeString(file, "changed");
        assertThat(auth.enabled()).isTrue();
        assertThat(auth.accepts("Bearer " + TOKEN)).isTrue();
        assertThat(auth.accepts("Bearer changed")).isFalse();
    }

    @Test
    void anEmptyOrMissingTokenFileFailsNamingTheFileButNoToken(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        assertThatThrownBy(() -> BearerAuth.fromFile(empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the auth token file " + empty + " is empty; put the token in it");
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> BearerAuth.fromFile(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot read the auth token file " + missing + " (NoSuchFileException)");
    }

    @Test
    void acceptsTheTokenAsBearerOrAsTheBasicPasswordAndNothingElse() {
        BearerAuth auth = BearerAuth.ofToken(TOKEN);
        assertThat(auth.accepts("Bearer " + TOKEN)).isTrue();
        assertThat(auth.accepts("bearer " + TOKEN)).as("the scheme is case-insensitive").isTrue();
        assertThat(auth.accepts(basic("anyone", TOKEN))).isTrue();
        assertThat(auth.accepts(basic("", TOKEN))).isTrue();

        assertThat(auth.accepts(null)).isFalse();
        assertThat(auth.accepts("")).isFalse();
        assertThat(auth.accepts(TOKEN)).as("no scheme").isFalse();
        assertThat(auth.accepts("Bearer " + TOKEN + "x")).isFalse();
        assertThat(auth.accepts("Bearer " + TOKEN.substring(1))).isFalse();
        assertThat(auth.accepts("Token " + TOKEN)).isFalse();
        assertThat(auth.accepts(basic(TOKEN, "wrong"))).as("the token as user name").isFalse();
        assertThat(auth.accepts("Basic not-base64!")).isFalse();
        assertThat(auth.accepts("Basic " + Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8))))
                .as("Basic without a colon").isFalse();
    }

    @Test
    void withoutATokenEveryRequestPassesAndToStringNeverShowsTheToken() {
        assertThat(BearerAuth.none().enabled()).isFalse();
        assertThat(BearerAuth.none().accepts(null)).isTrue();
        assertThat(BearerAuth.ofToken(TOKEN).toString()).isEqualTo("BearerAuth[on]").doesNotContain(TOKEN);
        assertThatThrownBy(() -> BearerAuth.ofToken(" ")).hasMessage("the auth token must not be blank");
    }
}
