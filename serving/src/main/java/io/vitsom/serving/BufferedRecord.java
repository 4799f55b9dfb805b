package io.vitsom.serving;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One input record waiting in the batch buffer, with everything needed to answer it after a restart: its key,
 * value, headers and timestamp, where it came from (for the dead-letter headers), and when it arrived.
 *
 * @param key the record key (may be null)
 * @param value the image bytes (may be null)
 * @param headers the record headers, in order
 * @param timestamp the record timestamp, carried to the output
 * @param arrivedMs wall-clock time the record entered the buffer, epoch milliseconds
 * @param topic topic of the input record ({@code ""} when unknown)
 * @param partition partition of the input record (-1 when unknown)
 * @param offset offset of the input record (-1 when unknown)
 */
record BufferedRecord(String key, byte[] value, List<Header> headers, long timestamp, long arrivedMs, String topic,
                      int partition, long offset) {
    // Bumped when the layout changes; the store's changelog outlives a deployment.
    private static final int FORMAT = 1;

    BufferedRecord {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(topic, "topic");
        headers = List.copyOf(headers);
    }

    /** A fresh copy of the headers, for a record to forward. */
    Headers copyHeaders() {
        return new RecordHeaders(headers.toArray(new Header[0]));
    }

    /** The store value. */
    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (value == null ? 0 : value.length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            writeString(out, key);
            writeBytes(out, value);
            out.writeInt(headers.size());
            for (Header header : headers) {
                writeString(out, header.key());
                writeBytes(out, header.value());
            }
            out.writeLong(timestamp);
            out.writeLong(arrivedMs);
            writeString(out, topic);
            out.writeInt(partition);
            out.writeLong(offset);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a store value back.
     *
     * @throws IllegalStateException when {@code bytes} was not written by {@link #toBytes()} of this format
     */
    static BufferedRecord fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalStateException("buffered record of unknown format " + format + " (this code reads "
                        + FORMAT + ")");
            }
            String key = readString(in);
            byte[] value = readBytes(in);
            int count = in.readInt();
            List<Header> headers = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                headers.add(new RecordHeader(readString(in), readBytes(in)));
            }
            return new BufferedRecord(key, value, headers, in.readLong(), in.readLong(), readString(in), in.readInt(),
                    in.readLong());
        } catch (IOException e) {
            throw new IllegalStateException("buffered record is truncated or corrupt (" + bytes.length + " bytes)", e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] bytes = readBytes(in);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException("expected " + length + " bytes, found " + bytes.length);
        }
        return bytes;
    }
}
