package io.vitsom.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSignaturesTest {
    private static final byte[] RECORD = "{\"version\":7}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] MANIFEST = "{\"files\":{}}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private ModelSignatures key(String text) throws Exception {
        Path file = tmp.resolve("key-" + text.hashCode());
        Files.writeString(file, text + "\n");
        return ModelSignatures.fromKeyFile(file);
    }

    @Test
    void theSignatureIsHmacSha256OfTheLengthPrefixedRecordAndTheManifest() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("0123456789abcdef".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) RECORD.length});
        mac.update(RECORD);
        String expected = java.util.HexFormat.of().formatHex(mac.doFinal(MANIFEST));

        assertThat(key("0123456789abcdef").sign(RECORD, MANIFEST)).isEqualTo(expected);
    }

    @Test
    void onlyTheSameKeyOverTheSameBytesVerifies() throws Exception {
        ModelSignatures learner = key("0123456789abcdef");
        String signature = learner.sign(RECORD, MANIFEST);

        assertThat(learner.verify(RECORD, MANIFEST, signature)).isTrue();
        assertThat(key("another key, 16+ bytes").verify(RECORD, MANIFEST, signature)).isFalse();
        assertThat(learner.verify(RECORD, "{\"files\":{\"x\":1}}".getBytes(StandardCharsets.UTF_8), signature))
                .isFalse();
        assertThat(learner.verify(RECORD, MANIFEST, null)).isFalse();
        assertThat(learner.verify(RECORD, MANIFEST, "not hex")).isFalse();
        assertThat(ModelSignatures.none().verify(RECORD, MANIFEST, null)).isTrue();
    }

    @Test
    void aShortOrMissingKeyFileFailsNamingTheFileButNotTheKey() throws Exception {
        Path shortKey = tmp.resolve("short");
        Files.writeString(shortKey, "secret");
        assertThatThrownBy(() -> ModelSignatures.fromKeyFile(shortKey)).hasMessageContaining(shortKey.toString())
                .hasMessageNotContaining("secret").hasMessageContaining("at least 16");
        assertThatThrownBy(() -> ModelSignatures.fromKeyFile(tmp.resolve("missing")))
                .hasMessageContaining("cannot read the model key file");
        assertThat(key("0123456789abcdef").toString()).isEqualTo("ModelSignatures[on]");
    }
}
