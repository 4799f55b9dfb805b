package io.vitsom.model.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Writes PNG files chunk by chunk, for tests that need files no encoder makes: headers that lie, odd chunks, IDAT
 * split in pieces.
 */
final class PngChunks {
    private PngChunks() {
    }

    /** The signature and the IHDR chunk of an 8-bit, non-interlaced image; the caller adds IDAT and IEND. */
    static ByteArrayOutputStream header(int width, int height, int colourType) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, width);
        putInt(ihdr, 4, height);
        ihdr[8] = 8;
        ihdr[9] = (byte) colourType;
        chunk(out, "IHDR", ihdr);
        return out;
    }

    /** Appends one chunk: length, type, data and the CRC of type and data. */
    static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] head = new byte[8];
        putInt(head, 0, data.length);
        System.arraycopy(type.getBytes(StandardCharsets.US_ASCII), 0, head, 4, 4);
        CRC32 crc = new CRC32();
        crc.update(head, 4, 4);
        crc.update(data);
        byte[] tail = new byte[4];
        putInt(tail, 0, (int) crc.getValue());
        out.writeBytes(head);
        out.writeBytes(data);
        out.writeBytes(tail);
    }

    /** Writes {@code v} big-endian at {@code b[at..at+3]}, as PNG stores every integer. */
    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
