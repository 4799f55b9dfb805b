package io.vitsom.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of published models, so that serving loads only what the learner published. One signature
 * covers the {@code som.models} record's value and the checkpoint's {@code manifest.json} (which holds a SHA-256 of
 * every file of the checkpoint, checked when it loads), so neither a forged record nor swapped checkpoint files pass.
 * It travels in the record's {@value #HEADER} header; the record's JSON is unchanged.
 *
 * <p>The key is the content of a file ({@code --model-key-file}) shared by the learner and every serving instance,
 * read once; it is never logged. {@link #none()} signs nothing and accepts everything, as before keys existed.
 */
public final class ModelSignatures {
    /** Header of a {@code som.models} record carrying the signature (lower-case hex). */
    public static final String HEADER = "vitsom.signature";
    private static final String ALGORITHM = "HmacSHA256";
    private static final ModelSignatures NONE = new ModelSignatures(null);

    private final SecretKeySpec key;

    private ModelSignatures(SecretKeySpec key) {
        this.key = key;
    }

    /** No key: nothing is signed, every model is accepted. */
    public static ModelSignatures none() {
        return NONE;
    }

    /**
     * The key in {@code keyFile} (its bytes, surrounding white space removed).
     *
     * @throws IOException naming the file when it cannot be read
     * @throws IllegalArgumentException naming the file when the key is shorter than 16 bytes
     */
    public static ModelSignatures fromKeyFile(Path keyFile) throws IOException {
        Objects.requireNonNull(keyFile, "keyFile");
        byte[] key;
        try {
            key = Files.readString(keyFile, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read the model key file " + keyFile + ": " + e.getMessage(), e);
        }
        if (key.length < 16) {
            throw new IllegalArgumentException("the model key file " + keyFile + " holds " + key.length
                    + " bytes; use at least 16 random bytes, e.g. head -c 32 /dev/urandom | base64 > " + keyFile);
        }
        return new ModelSignatures(new SecretKeySpec(key, ALGORITHM));
    }

    /** Whether a key is set (then records are signed, or unsigned ones refused). */
    public boolean enabled() {
        return key != null;
    }

    /** The signature of a model record's value and its checkpoint's manifest. */
    public String sign(byte[] recordValue, byte[] manifest) {
        if (key == null) {
            throw new IllegalStateException("no model key");
        }
        return HexFormat.of().formatHex(mac(recordValue, manifest));
    }

    /** Whether {@code signature} is this key's signature of the two; compared in constant time. */
    public boolean verify(byte[] recordValue, byte[] manifest, String signature) {
        if (key == null) {
            return true;
        }
        if (signature == null) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(recordValue, manifest), given);
    }

    private byte[] mac(byte[] recordValue, byte[] manifest) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            // Length-prefixed, so no split of the same bytes between the two parts gives the same signature.
            mac.update(java.nio.ByteBuffer.allocate(8).putLong(recordValue.length).array());
            mac.update(recordValue);
            mac.update(manifest);
            return mac.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return key == null ? "ModelSignatures[off]" : "ModelSignatures[on]";
    }
}
