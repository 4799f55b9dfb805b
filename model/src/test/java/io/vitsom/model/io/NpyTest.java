package io.vitsom.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.io.Npy.NpyArray;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ round trips

    @Test
    void float32RoundTrip() throws IOException {
        float[] data = {0f, -1.5f, 3.25f, Float.MIN_VALUE, Float.MAX_VALUE, -0f, Float.NaN, Float.NEGATIVE_INFINITY};
        Path f = tmp.resolve("a.npy");
        Npy.writeFloat32(f, data, 2, 2, 2);
        NpyArray a = Npy.read(f);
        assertThat(a.dtype()).isEqualTo("<f4");
        assertThat(a.shape()).containsExactly(2, 2, 2);
        assertThat(a.isFloat()).isTrue();
        assertThat(a.longs()).isNull();
        assertThat(floatBits(a.floats())).isEqualTo(floatBits(data));
        assertThat(Files.size(f) % 64).isEqualTo((long) data.length * 4 % 64);
    }

    @Test
    void int64RoundTrip() throws IOException {
        long[] data = {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1234567890123L, 7};
        Path f = tmp.resolve("b.npy");
        Npy.writeInt64(f, data, new long[] {6});
        NpyArray a = Npy.read(f);
        assertThat(a.dtype()).isEqualTo("<i8");
        assertThat(a.shape()).containsExactly(6);
        assertThat(a.isFloat()).isFalse();
        assertThat(a.longs()).containsExactly(data);
        assertThat(a.intShape()).containsExactly(6);
    }

    @Test
    void largeArrayCrossesWriteChunks() throws IOException {
        Random r = new Random(7);
        float[] data = new float[3 * 70_001];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        Path f = tmp.resolve("big.npy");
        Npy.writeFloat32(f, data, 3, 70_001);
        assertThat(Npy.read(f).floats()).containsExactly(data);

        long[] longs = new long[200_003];
        for (int i = 0; i < longs.length; i++) {
            longs[i] = r.nextLong();
        }
        Npy.writeInt64(f, longs, longs.length);
        assertThat(Npy.read(f).longs()).containsExactly(longs);
    }

    @Test
    void uint8RoundTrip() throws IOException {
        byte[] data = {0, 1, 127, (byte) 128, (byte) 200, (byte) 255};
        Path f = tmp.resolve("u.npy");
        Npy.writeUint8(f, data, 2, 3);
        Npy.Uint8Array u = Npy.readUint8(f);
        assertThat(u.shape()).containsExactly(2, 3);
        assertThat(u.data()).containsExactly(data);
        NpyArray a = Npy.read(f);
        assertThat(a.dtype()).isEqualTo("|u1");
        assertThat(a.longs()).containsExactly(0L, 1L, 127L, 128L, 200L, 255L);
        assertThat(Files.size(f) % 64).isEqualTo((long) data.length % 64);

        Npy.writeInt64(f, new long[] {1}, 1);
        assertThatThrownBy(() -> Npy.readUint8(f)).isInstanceOf(IOException.class)
                .hasMessageContaining("expected dtype '|u1', found '<i8'");
        assertThatThrownBy(() -> Npy.writeUint8(f, new byte[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 elements");
    }

    @Test
    void uint8ReadsFortranOrderAndRejectsTrailingBytes() throws IOException {
        Path f = tmp.resolve("uf.npy");
        Files.write(f, withHeader(1, "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }",
                new byte[] {0, 3, 1, 4, 2, 5}));
        assertThat(Npy.readUint8(f).data()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(Npy.read(f).longs()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        Files.write(f, withHeader(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", 3));
        assertThatThrownBy(() -> Npy.readUint8(f)).isInstanceOf(IOException.class)
                .hasMessageContaining("trailing bytes");
    }

    @Test
    void scalarAndEmptyShapes() throws IOException {
        Path f = tmp.resolve("s.npy");
        Npy.writeFloat32(f, new float[] {2.5f}, new long[0]);
        NpyArray s = Npy.read(f);
        assertThat(s.shape()).isEmpty();
        assertThat(s.floats()).containsExactly(2.5f);

        Npy.writeFloat32(f, new float[0], 2, 0, 3);
        NpyArray e = Npy.read(f);
        assertThat(e.shape()).containsExactly(2, 0, 3);
        assertThat(e.size()).isZero();
    }

    @Test
    void writerRejectsShapeMismatch() {
        assertThatThrownBy(() -> Npy.writeFloat32(tmp.resolve("x.npy"), new float[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 elements");
        assertThatThrownBy(() -> Npy.writeInt64(tmp.resolve("x.npy"), new long[0], -1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }

    // ------------------------------------------------------------------ golden files made by numpy 1.24

    @Test
    void readsNumpyGoldenFiles() throws IOException {
        NpyArray f4 = golden("f4_2x3.npy");
        assertThat(f4.dtype()).isEqualTo("<f4");
        assertThat(f4.shape()).containsExactly(2, 3);
        assertThat(floatBits(f4.floats())).isEqualTo(floatBits(new float[] {0f, -1.5f, 3.25f, 1e-7f, 65504f, -0f}));

        NpyArray f8 = golden("f8_4.npy");
        assertThat(f8.dtype()).isEqualTo("<f8");
        assertThat(f8.shape()).containsExactly(4);
        assertThat(f8.floats()).containsExactly((float) 0.1, -2f, Float.POSITIVE_INFINITY, 3f);

        NpyArray i8 = golden("i8_2x2.npy");
        assertThat(i8.dtype()).isEqualTo("<i8");
        assertThat(i8.longs()).containsExactly(0L, -1L, 9007199254740993L, Long.MIN_VALUE);

        NpyArray i4 = golden("i4_3.npy");
        assertThat(i4.dtype()).isEqualTo("<i4");
        assertThat(i4.shape()).containsExactly(3);
        assertThat(i4.longs()).containsExactly(7L, -8L, 2147483647L);

        NpyArray scalar = golden("f4_scalar.npy");
        assertThat(scalar.shape()).isEmpty();
        assertThat(scalar.floats()).containsExactly(2.5f);

        NpyArray empty = golden("f4_2x0x3.npy");
        assertThat(empty.shape()).containsExactly(2, 0, 3);
        assertThat(empty.size()).isZero();

        NpyArray fortran = golden("f4_fortran.npy"); // np.asfortranarray(arange(6).reshape(2, 3))
        assertThat(fortran.shape()).containsExactly(2, 3);
        assertThat(fortran.floats()).containsExactly(0f, 1f, 2f, 3f, 4f, 5f);

        NpyArray five = golden("i8_1x1x2x2x1.npy");
        assertThat(five.shape()).containsExactly(1, 1, 2, 2, 1);
        assertThat(five.longs()).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void writesTheSameBytesAsNumpy() throws IOException {
        assertThat(bytesOfFloat32(new float[] {0f, -1.5f, 3.25f, 1e-7f, 65504f, -0f}, 2, 3))
                .isEqualTo(goldenBytes("f4_2x3.npy"));
        assertThat(bytesOfFloat32(new float[] {2.5f})).isEqualTo(goldenBytes("f4_scalar.npy"));
        assertThat(bytesOfFloat32(new float[0], 2, 0, 3)).isEqualTo(goldenBytes("f4_2x0x3.npy"));
        assertThat(bytesOfInt64(new long[] {0, -1, 9007199254740993L, Long.MIN_VALUE}, 2, 2))
                .isEqualTo(goldenBytes("i8_2x2.npy"));
        assertThat(bytesOfInt64(new long[] {0, 1, 2, 3}, 1, 1, 2, 2, 1)).isEqualTo(goldenBytes("i8_1x1x2x2x1.npy"));
    }

    // ------------------------------------------------------------------ malformed input

    @Test
    void rejectsMalformedFiles() {
        assertBad("NOTNUMPY".getBytes(StandardCharsets.US_ASCII), "bad magic");
        assertBad(new byte[] {(byte) 0x93, 'N', 'U'}, "bad magic");
        assertBad(withHeader(9, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4), "version 9.0");
        assertBad(withHeader(1, "{'descr': '<f4', 'fortran_order': False, }", 4), "'shape'");
        assertBad(withHeader(1, "{'fortran_order': False, 'shape': (1,), }", 4), "'descr'");
        assertBad(withHeader(1, "{'descr': '<f4', 'shape': (1,), }", 4), "'fortran_order'");
        assertBad(withHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (a, 2), }", 4), "malformed shape");
        assertBad(withHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 4), "negative");
        assertBad(withHeader(1, "'descr': '<f4', 'fortran_order': False, 'shape': (1,)", 4), "not a dict");
        assertBad(withHeader(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", 4), "unsupported dtype '>f4'");
        assertBad(withHeader(1, "{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }", 4), "unsupported dtype");
        assertBad(withHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 20), "truncated");
        assertBad(withHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 8), "trailing bytes");
        byte[] shortHeader = withHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4);
        assertBad(Arrays.copyOf(shortHeader, 20), "truncated");
    }

    @Test
    void readsVersion2Headers() throws IOException {
        NpyArray a = Npy.read(new ByteArrayInputStream(
                withHeader(2, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }",
                        new byte[] {1, 0, 0, 0, -2, -1, -1, -1})), "v2");
        assertThat(a.longs()).containsExactly(1L, -2L);
    }

    // ------------------------------------------------------------------ numpy itself, when available

    @Test
    void numpyLoadsWhatJavaWrites() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        Path f = tmp.resolve("j.npy");
        Path g = tmp.resolve("k.npy");
        Npy.writeFloat32(f, new float[] {1f, 2f, 3f, 4f, 5f, 6.5f}, 1, 2, 3);
        Npy.writeInt64(g, new long[] {5, -6, 1L << 40}, 3);
        String script = "import sys, numpy as np\n"
                + "a = np.load(sys.argv[1]); b = np.load(sys.argv[2])\n"
                + "assert a.dtype == np.float32 and a.shape == (1, 2, 3), (a.dtype, a.shape)\n"
                + "assert b.dtype == np.int64 and b.shape == (3,), (b.dtype, b.shape)\n"
                + "print(repr(a.ravel().tolist()), repr(b.tolist()))\n";
        Process p = new ProcessBuilder(python.toString(), "-c", script, f.toString(), g.toString())
                .redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeFalse(out.contains("No module named 'numpy'"), "python3 without numpy");
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).isEqualTo("[1.0, 2.0, 3.0, 4.0, 5.0, 6.5] [5, -6, 1099511627776]");
    }

    @Test
    void uint8WritesTheSameBytesAsNumpy() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        Path ours = tmp.resolve("ours.npy");
        Path theirs = tmp.resolve("theirs.npy");
        byte[] data = new byte[3 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 23);
        }
        Npy.writeUint8(ours, data, 3, 4);
        String script = "import sys, numpy as np\n"
                + "np.save(sys.argv[1], (np.arange(12) * 23 % 256).astype(np.uint8).reshape(3, 4))\n"
                + "print(np.load(sys.argv[2]).dtype)\n";
        Process p = new ProcessBuilder(python.toString(), "-c", script, theirs.toString(), ours.toString())
                .redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeFalse(out.contains("No module named 'numpy'"), "python3 without numpy");
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).isEqualTo("uint8");
        assertThat(Files.readAllBytes(ours)).isEqualTo(Files.readAllBytes(theirs));
    }

    // ------------------------------------------------------------------ helpers

    private static void assertBad(byte[] bytes, String messagePart) {
        assertThatThrownBy(() -> Npy.read(new ByteArrayInputStream(bytes), "bad.npy"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("bad.npy: ")
                .hasMessageContaining(messagePart);
    }

    private static byte[] withHeader(int major, String dict, int dataBytes) {
        return withHeader(major, dict, new byte[dataBytes]);
    }

    private static byte[] withHeader(int major, String dict, byte[] data) {
        byte[] text = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        int lenBytes = major == 1 ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(6 + 2 + lenBytes + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'}).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) text.length);
        } else {
            b.putInt(text.length);
        }
        return b.put(text).put(data).array();
    }

    private static byte[] bytesOfFloat32(float[] data, long... shape) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.writeFloat32(out, data, shape);
        return out.toByteArray();
    }

    private static byte[] bytesOfInt64(long[] data, long... shape) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.writeInt64(out, data, shape);
        return out.toByteArray();
    }

    private static NpyArray golden(String name) throws IOException {
        try (InputStream in = resource(name)) {
            return Npy.read(in, name);
        }
    }

    private static byte[] goldenBytes(String name) throws IOException {
        try (InputStream in = resource(name)) {
            return in.readAllBytes();
        }
    }

    private static InputStream resource(String name) {
        InputStream in = NpyTest.class.getResourceAsStream("/npy/" + name);
        assertThat(in).as("test resource /npy/" + name).isNotNull();
        return in;
    }

    private static List<Integer> floatBits(float[] v) {
        Integer[] bits = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = Float.floatToRawIntBits(v[i]);
        }
        return Arrays.asList(bits);
    }
}
