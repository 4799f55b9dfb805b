package io.vitsom.model.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: an image file ({@code 0x00000803}: count, height, width,
 * then unsigned bytes) and an optional label file ({@code 0x00000801}: count, then one unsigned byte per image).
 *
 * <p>Files may be gzip-compressed or raw; compression is recognised by its magic bytes, not by the file name.
 * Anything that does not match the header exactly (truncation, trailing bytes, wrong magic, count mismatch) is a
 * {@link DatasetFormatException}: a half-read dataset would silently skew every metric computed on it.
 */
public final class IdxReader {
    /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    /** Java arrays cannot be larger than this. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private IdxReader() {
    }

    /**
     * Reads an image file and, when given, its label file.
     *
     * @param images the {@code *-images-idx3-ubyte[.gz]} file
     * @param labelsOrNull the {@code *-labels-idx1-ubyte[.gz]} file, or {@code null} to leave every label unknown
     * @param name the name of the resulting set, e.g. {@code mnist/train}
     * @return one-channel images of the height and width given in the file
     * @throws DatasetFormatException when a file is truncated, corrupt, has the wrong magic or the counts differ
     * @throws IOException when a file cannot be read
     */
    public static ImageSet read(Path images, Path labelsOrNull, String name) throws IOException {
        return read(images, labelsOrNull, name, Runtime.getRuntime().maxMemory() / 2);
    }

    /** {@link #read(Path, Path, String)} refusing a header that claims more than {@code maxPixelBytes}. */
    static ImageSet read(Path images, Path labelsOrNull, String name, long maxPixelBytes) throws IOException {
        int count;
        int height;
        int width;
        byte[] pixels;
        try (IdxInput in = IdxInput.open(images)) {
            in.expectMagic(IMAGES_MAGIC, "an IDX image file");
            count = in.readDimension("image count", 0);
            height = in.readDimension("image height", 1);
            width = in.readDimension("image width", 1);
            long size = (long) count * height * width;
            if (size > MAX_ARRAY) {
                throw new DatasetFormatException(in.file, 4, "too many pixels",
                        count + " images of " + height + "x" + width + " do not fit in one array");
            }
            // A gzip bomb with an honest header would grow the buffer until the heap runs out: refuse up front
            // what cannot fit, naming the claim (a lying header on a short file still fails as truncated below).
            if (size > maxPixelBytes) {
                throw new DatasetFormatException(in.file, 4, "too many pixels for this heap",
                        String.format(Locale.ROOT, "the header claims %,d images of %dx%d (%,d MiB), more than "
                                + "the %,d MiB this JVM can hold (half its heap); if the file is genuine, raise the "
                                + "heap (VITSOM_JAVA_OPTS=-Xmx...)", count, height, width, size >> 20,
                                maxPixelBytes >> 20));
            }
            pixels = in.readExactly((int) size, "bytes of pixel data");
            in.expectEnd();
        }
        int[] labels = new int[count];
        if (labelsOrNull == null) {
            Arrays.fill(labels, ImageSet.NO_LABEL);
        } else {
            try (IdxInput in = IdxInput.open(labelsOrNull)) {
                in.expectMagic(LABELS_MAGIC, "an IDX label file");
                int labelCount = in.readDimension("label count", 0);
                if (labelCount != count) {
                    throw new DatasetFormatException(in.file, 4, "label count " + labelCount + " does not match",
                            DatasetFormatException.displayName(images) + " has " + count + " images");
                }
                byte[] raw = in.readExactly(count, "bytes of labels");
                in.expectEnd();
                for (int i = 0; i < count; i++) {
                    labels[i] = raw[i] & 0xFF;
                }
            }
        }
        return new ImageSet(name, 1, height, width, pixels, labels, List.of());
    }

    /** {@code "1xHxW"} from the header of an image file, reading 16 bytes (inflated when gzip-compressed). */
    static String peekShape(Path images) throws IOException {
        try (IdxInput in = IdxInput.open(images)) {
            in.expectMagic(IMAGES_MAGIC, "an IDX image file");
            in.readDimension("image count", 0);
            int height = in.readDimension("image height", 1);
            int width = in.readDimension("image width", 1);
            return "1x" + height + "x" + width;
        }
    }

    /** A big-endian input that knows its file name and position, so every error can say where it happened. */
    private static final class IdxInput implements AutoCloseable {
        private static final int GZIP_MAGIC = 0x1f8b;

        final String file;
        private final InputStream in;
        private long position;
        /** What the current read expects, so that a failure deep inside gzip can still say it. */
        private String expecting = "";

        private IdxInput(String file, InputStream in) {
            this.file = file;
            this.in = in;
        }

        static IdxInput open(Path path) throws IOException {
            String file = DatasetFormatException.displayName(path);
            BufferedInputStream buffered = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
            try {
                buffered.mark(2);
                int magic = (buffered.read() << 8) | buffered.read();
                buffered.reset();
                InputStream in = magic == GZIP_MAGIC ? new GZIPInputStream(buffered, 1 << 16) : buffered;
                return new IdxInput(file, in);
            } catch (ZipException | EOFException e) {
                buffered.close();
                throw new DatasetFormatException(file, 0, "corrupt gzip header", null, e);
            } catch (IOException | RuntimeException e) {
                buffered.close();
                throw e;
            }
        }

        void expectMagic(int expected, String kind) throws IOException {
            int magic = readInt("magic number");
            if (magic != expected) {
                throw new DatasetFormatException(file, 0, String.format("wrong magic number 0x%08x", magic),
                        String.format("expected 0x%08x for %s", expected, kind));
            }
        }

        int readDimension(String what, int min) throws IOException {
            long at = position;
            int value = readInt(what);
            if (value < min) {
                throw new DatasetFormatException(file, at, "invalid " + what + " " + value, "must be >= " + min);
            }
            return value;
        }

        private int readInt(String what) throws IOException {
            byte[] b = readExactly(4, "bytes of " + what);
            return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        }

        /**
         * Reads exactly {@code length} bytes. The buffer grows with the data actually read rather than being
         * allocated from the header up front, so a corrupt header cannot trigger a huge allocation.
         */
        byte[] readExactly(int length, String what) throws IOException {
            long start = position;
            expecting = "expected " + length + " " + what + " from byte offset " + start;
            byte[] buf = new byte[Math.min(length, 1 << 24)];
            int filled = 0;
            while (filled < length) {
                if (filled == buf.length) {
                    buf = Arrays.copyOf(buf, (int) Math.min(length, 2L * buf.length));
                }
                int n = read(buf, filled, buf.length - filled);
                if (n < 0) {
                    throw new DatasetFormatException(file, position, "truncated", expecting);
                }
                filled += n;
                position += n;
            }
            return buf;
        }

        void expectEnd() throws IOException {
            expecting = "expected the end of the data";
            if (read(new byte[1], 0, 1) > 0) {
                throw new DatasetFormatException(file, position, "unexpected data after the end of the content",
                        "the header describes " + position + " bytes");
            }
        }

        private int read(byte[] buf, int off, int len) throws IOException {
            try {
                return in.read(buf, off, len);
            } catch (EOFException e) {
                // GZIPInputStream reports a cut-off compressed stream this way.
                throw new DatasetFormatException(file, position, "truncated",
                        expecting + "; the gzip stream ends early", e);
            } catch (ZipException e) {
                throw new DatasetFormatException(file, position, "corrupt gzip data",
                        expecting + "; " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
