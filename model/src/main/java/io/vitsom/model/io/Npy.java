package io.vitsom.model.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files, the exchange format with the PyTorch reference
 * ({@code bench/reference/check_reference.py}).
 *
 * <p>Writing produces format version 1.0 in C order, byte for byte what {@code numpy.save} (1.24) writes
 * for the same array: dtypes {@code <f4} (float32), {@code <i8} (int64) and {@code |u1} (uint8). Reading
 * accepts versions 1.0, 2.0 and 3.0, C or Fortran order (returned in C order), and dtypes {@code <f4} and
 * {@code <f8} (as float, narrowed like a Java cast) or {@code <i8}, {@code <i4} and {@code |u1} (as long);
 * {@link #readUint8(Path)} reads {@code |u1} as raw bytes, 8 times smaller. Malformed or unsupported
 * files raise an {@link IOException} that names the file and the problem.
 */
public final class Npy {

    /** dtype of 32-bit little-endian floats. */
    public static final String FLOAT32 = "<f4";
    /** dtype of 64-bit little-endian floats (read only; converted to float). */
    public static final String FLOAT64 = "<f8";
    /** dtype of 64-bit little-endian integers. */
    public static final String INT64 = "<i8";
    /** dtype of 32-bit little-endian integers (read only; converted to long). */
    public static final String INT32 = "<i4";
    /** dtype of unsigned bytes (uint8). */
    public static final String UINT8 = "|u1";

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ARRAY_ALIGN = 64;
    /** numpy leaves room for the growth axis to reach this many digits (format.GROWTH_AXIS_MAX_DIGITS). */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final int CHUNK_ELEMENTS = 1 << 16;

    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * An array read from a {@code .npy} file, in C order.
     *
     * @param dtype  the file's dtype ({@code <f4}, {@code <f8}, {@code <i8}, {@code <i4} or {@code |u1})
     * @param shape  the shape ({@code []} for a 0-d array)
     * @param floats the values for float dtypes, else {@code null}
     * @param longs  the values for integer dtypes, else {@code null}
     */
    public record NpyArray(String dtype, long[] shape, float[] floats, long[] longs) {

        public NpyArray {
            Objects.requireNonNull(dtype, "dtype");
            Objects.requireNonNull(shape, "shape");
            if ((floats == null) == (longs == null)) {
                throw new IllegalArgumentException("exactly one of floats and longs must be given");
            }
        }

        /** Whether the values are in {@link #floats()} (float dtypes) rather than {@link #longs()}. */
        public boolean isFloat() {
            return floats != null;
        }

        /** Number of elements. */
        public int size() {
            return floats != null ? floats.length : longs.length;
        }

        /** The shape as ints (throws if a dimension exceeds int range). */
        public int[] intShape() {
            int[] s = new int[shape.length];
            for (int i = 0; i < shape.length; i++) {
                s[i] = Math.toIntExact(shape[i]);
            }
            return s;
        }

        @Override
        public String toString() {
            return "NpyArray[dtype=" + dtype + ", shape=" + Arrays.toString(shape) + ", size=" + size() + "]";
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Writing
    // ---------------------------------------------------------------------------------------------

    /** Writes a float32 ({@code <f4}) array of the given shape, C order. */
    public static void writeFloat32(Path file, float[] data, long... shape) throws IOException {
        checkShape(data.length, shape);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            writeFloat32(out, data, shape);
        }
    }

    /** Writes a float32 ({@code <f4}) array of the given shape, C order. */
    public static void writeFloat32(Path file, float[] data, int... shape) throws IOException {
        writeFloat32(file, data, toLong(shape));
    }

    /** Writes a float32 ({@code <f4}) array to a stream (left open). */
    public static void writeFloat32(OutputStream out, float[] data, long... shape) throws IOException {
        checkShape(data.length, shape);
        out.write(header(FLOAT32, shape));
        ByteBuffer buf = ByteBuffer.allocate(Math.min(data.length, CHUNK_ELEMENTS) * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < data.length; start += CHUNK_ELEMENTS) {
            int end = Math.min(data.length, start + CHUNK_ELEMENTS);
            buf.clear();
            buf.asFloatBuffer().put(data, start, end - start);
            out.write(buf.array(), 0, (end - start) * Float.BYTES);
        }
    }

    /** Writes an int64 ({@code <i8}) array of the given shape, C order. */
    public static void writeInt64(Path file, long[] data, long... shape) throws IOException {
        checkShape(data.length, shape);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            writeInt64(out, data, shape);
        }
    }

    /** Writes an int64 ({@code <i8}) array of the given shape, C order. */
    public static void writeInt64(Path file, long[] data, int... shape) throws IOException {
        writeInt64(file, data, toLong(shape));
    }

    /** Writes an int64 ({@code <i8}) array to a stream (left open). */
    public static void writeInt64(OutputStream out, long[] data, long... shape) throws IOException {
        checkShape(data.length, shape);
        out.write(header(INT64, shape));
        ByteBuffer buf = ByteBuffer.allocate(Math.min(data.length, CHUNK_ELEMENTS) * Long.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < data.length; start += CHUNK_ELEMENTS) {
            int end = Math.min(data.length, start + CHUNK_ELEMENTS);
            buf.clear();
            buf.asLongBuffer().put(data, start, end - start);
            out.write(buf.array(), 0, (end - start) * Long.BYTES);
        }
    }

    /** Writes a uint8 ({@code |u1}) array of the given shape, C order. */
    public static void writeUint8(Path file, byte[] data, long... shape) throws IOException {
        checkShape(data.length, shape);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(header(UINT8, shape));
            out.write(data);
        }
    }

    /** The version-1.0 header numpy 1.24 writes for a C-order array of this dtype and shape. */
    static byte[] header(String dtype, long[] shape) {
        StringBuilder dict = new StringBuilder();
        dict.append("{'descr': '").append(dtype).append("', 'fortran_order': False, 'shape': ")
                .append(shapeRepr(shape)).append(", }");
        if (shape.length > 0) {
            dict.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length())));
        }
        int hlen = dict.length() + 1; // + '\n'
        int padlen = ARRAY_ALIGN - ((MAGIC.length + 2 + 2 + hlen) % ARRAY_ALIGN);
        dict.append(" ".repeat(padlen)).append('\n');
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (text.length > 0xFFFF) {
            throw new IllegalArgumentException("npy header too long for format 1.0: " + text.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return b.array();
    }

    private static String shapeRepr(long[] shape) {
        if (shape.length == 0) {
            return "()";
        }
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(shape[i]);
        }
        return s.append(')').toString();
    }

    private static void checkShape(int length, long[] shape) {
        Objects.requireNonNull(shape, "shape");
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + n
                    + " elements but the data has " + length);
        }
    }

    private static long[] toLong(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            s[i] = shape[i];
        }
        return s;
    }

    // ---------------------------------------------------------------------------------------------
    // Reading
    // ---------------------------------------------------------------------------------------------

    /** Reads a {@code .npy} file. */
    public static NpyArray read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads a {@code .npy} array from a stream; {@code name} is used in error messages. */
    public static NpyArray read(InputStream in, String name) throws IOException {
        Header h = readHeader(in, name);
        String dtype = h.dtype();
        long[] shape = h.shape();
        boolean fortran = h.fortran();
        int itemSize;
        switch (dtype) {
            case FLOAT32, INT32 -> itemSize = 4;
            case FLOAT64, INT64 -> itemSize = 8;
            case UINT8 -> itemSize = 1;
            default -> throw new IOException(name + ": unsupported dtype '" + dtype
                    + "' (supported: <f4, <f8, <i8, <i4, |u1)");
        }
        int n = elementCount(shape, itemSize, name);
        byte[] raw = readData(in, n, itemSize, dtype, shape, name);
        ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] floats = null;
        long[] longs = null;
        switch (dtype) {
            case FLOAT32 -> {
                floats = new float[n];
                buf.asFloatBuffer().get(floats);
            }
            case FLOAT64 -> {
                floats = new float[n];
                for (int i = 0; i < n; i++) {
                    floats[i] = (float) buf.getDouble(i * 8);
                }
            }
            case INT64 -> {
                longs = new long[n];
                buf.asLongBuffer().get(longs);
            }
            case INT32 -> {
                longs = new long[n];
                for (int i = 0; i < n; i++) {
                    longs[i] = buf.getInt(i * 4);
                }
            }
            default -> { // UINT8
                longs = new long[n];
                for (int i = 0; i < n; i++) {
                    longs[i] = raw[i] & 0xFF;
                }
            }
        }
        if (fortran && shape.length > 1) {
            int[] perm = fortranToC(shape);
            if (floats != null) {
                float[] c = new float[n];
                for (int i = 0; i < n; i++) {
                    c[i] = floats[perm[i]];
                }
                floats = c;
            } else {
                long[] c = new long[n];
                for (int i = 0; i < n; i++) {
                    c[i] = longs[perm[i]];
                }
                longs = c;
            }
        }
        return new NpyArray(dtype, shape, floats, longs);
    }

    /**
     * A uint8 array read by {@link #readUint8(Path)}, in C order.
     *
     * @param shape the shape ({@code []} for a 0-d array)
     * @param data  the values, one byte each (read them with {@code & 0xFF})
     */
    public record Uint8Array(long[] shape, byte[] data) {
    }

    /** Reads a {@code .npy} file of dtype {@code |u1} without widening its bytes; other dtypes are an error. */
    public static Uint8Array readUint8(Path file) throws IOException {
        String name = file.toString();
        try (InputStream in = Files.newInputStream(file)) {
            Header h = readHeader(in, name);
            if (!UINT8.equals(h.dtype())) {
                throw new IOException(name + ": expected dtype '" + UINT8 + "', found '" + h.dtype() + "'");
            }
            int n = elementCount(h.shape(), 1, name);
            byte[] raw = readData(in, n, 1, UINT8, h.shape(), name);
            if (h.fortran() && h.shape().length > 1) {
                int[] perm = fortranToC(h.shape());
                byte[] c = new byte[n];
                for (int i = 0; i < n; i++) {
                    c[i] = raw[perm[i]];
                }
                raw = c;
            }
            return new Uint8Array(h.shape(), raw);
        }
    }

    private record Header(String dtype, boolean fortran, long[] shape) {
    }

    private static Header readHeader(InputStream in, String name) throws IOException {
        byte[] pre = in.readNBytes(MAGIC.length + 2);
        if (pre.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(pre, MAGIC.length), MAGIC)) {
            throw new IOException(name + ": not a .npy file (bad magic string)");
        }
        int major = pre[MAGIC.length] & 0xFF;
        int minor = pre[MAGIC.length + 1] & 0xFF;
        long headerLen;
        if (major == 1) {
            byte[] l = readExactly(in, 2, name, "header length");
            headerLen = (l[0] & 0xFF) | ((l[1] & 0xFF) << 8);
        } else if (major == 2 || major == 3) {
            byte[] l = readExactly(in, 4, name, "header length");
            headerLen = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
        } else {
            throw new IOException(name + ": unsupported .npy format version " + major + "." + minor);
        }
        if (headerLen > (1 << 24)) {
            throw new IOException(name + ": implausible .npy header length " + headerLen);
        }
        byte[] headerBytes = readExactly(in, (int) headerLen, name, "header");
        String header = new String(headerBytes,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).trim();
        if (!header.startsWith("{") || !header.endsWith("}")) {
            throw new IOException(name + ": malformed .npy header (not a dict): " + abbreviate(header));
        }
        String dtype = match(DESCR, header, name, "descr");
        boolean fortran = "True".equals(match(FORTRAN, header, name, "fortran_order"));
        long[] shape = parseShape(match(SHAPE, header, name, "shape"), name, header);
        return new Header(dtype, fortran, shape);
    }

    private static int elementCount(long[] shape, int itemSize, String name) throws IOException {
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        if (count > Integer.MAX_VALUE - 8 || count * itemSize > Integer.MAX_VALUE - 8) {
            throw new IOException(name + ": array of shape " + Arrays.toString(shape) + " is too large");
        }
        return (int) count;
    }

    /** The {@code n} elements' bytes, which must be all that is left in the stream. */
    private static byte[] readData(InputStream in, int n, int itemSize, String dtype, long[] shape, String name)
            throws IOException {
        byte[] raw = readExactly(in, n * itemSize, name, "data (" + n + " elements of " + dtype + ")");
        if (in.read() != -1) {
            throw new IOException(name + ": trailing bytes after " + n + " elements of " + dtype
                    + " for shape " + Arrays.toString(shape));
        }
        return raw;
    }

    /** For each C-order position, the position of the same element in Fortran order. */
    private static int[] fortranToC(long[] shape) {
        int rank = shape.length;
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        int[] fStride = new int[rank];
        int s = 1;
        for (int k = 0; k < rank; k++) {
            fStride[k] = s;
            s *= (int) shape[k];
        }
        int[] perm = new int[n];
        int[] idx = new int[rank];
        for (int i = 0; i < n; i++) {
            int off = 0;
            for (int k = 0; k < rank; k++) {
                off += idx[k] * fStride[k];
            }
            perm[i] = off;
            for (int k = rank - 1; k >= 0; k--) { // advance the C-order multi-index
                if (++idx[k] < shape[k]) {
                    break;
                }
                idx[k] = 0;
            }
        }
        return perm;
    }

    private static long[] parseShape(String inner, String name, String header) throws IOException {
        String t = inner.trim();
        if (t.isEmpty()) {
            return new long[0];
        }
        String[] parts = t.split(",", -1);
        int count = parts.length;
        if (parts[count - 1].trim().isEmpty()) {
            count--; // trailing comma: (5,) or (2, 3,)
        }
        long[] shape = new long[count];
        for (int i = 0; i < count; i++) {
            String p = parts[i].trim();
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1); // Python 2 longs
            }
            try {
                shape[i] = Long.parseLong(p);
            } catch (NumberFormatException e) {
                throw new IOException(name + ": malformed shape in .npy header: " + abbreviate(header), e);
            }
            if (shape[i] < 0) {
                throw new IOException(name + ": negative dimension in .npy header: " + abbreviate(header));
            }
        }
        return shape;
    }

    private static String match(Pattern p, String header, String name, String key) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(name + ": malformed .npy header (no valid '" + key + "'): "
                    + abbreviate(header));
        }
        return m.group(1);
    }

    private static byte[] readExactly(InputStream in, int n, String name, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException(name + ": truncated .npy file: expected " + n + " bytes of " + what
                    + ", got " + b.length);
        }
        return b;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
