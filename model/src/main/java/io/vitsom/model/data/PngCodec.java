package io.vitsom.model.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A direct PNG decoder and encoder for the layouts image streams carry (8-bit gray, gray + alpha, RGB and RGBA,
 * not interlaced), used by {@link ImageCodec} before it falls back to ImageIO.
 *
 * <p>Why: decoding a 28x28 PNG through ImageIO allocates a reader, an image stream, a zlib inflater and a
 * {@code BufferedImage} per image; in the streaming pipeline that cost more CPU than the model's forward pass
 * (validation and serving decode every record). This class reads the chunks, inflates with a per-thread
 * {@link Inflater} and undoes the row filters straight into the CHW planes.
 *
 * <p>{@link #decode} answers {@code null} for anything it does not handle or anything not exactly well-formed
 * (a CRC mismatch, a short or long image stream, a missing IEND, an unknown filter, a chunk that may change the
 * pixels ImageIO returns, such as a palette or an ICC profile), so that ImageIO decides those cases and the
 * error reasons and messages stay ImageCodec's. For the files it accepts it returns what ImageIO gives: stored
 * gray values as one channel, R, G, B planes otherwise, alpha dropped (tests compare both decoders).
 */
final class PngCodec {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int IHDR = type("IHDR");
    private static final int IDAT = type("IDAT");
    private static final int IEND = type("IEND");
    /** Ancillary chunks that do not change the decoded pixels; any other chunk sends the file to ImageIO. */
    private static final Set<Integer> NEUTRAL = Set.of(type("tEXt"), type("zTXt"), type("iTXt"), type("tIME"),
            type("pHYs"));
    private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(Inflater::new);
    private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(Deflater::new);

    private PngCodec() {
    }

    /** The decoded image, or {@code null} when ImageIO should decode these bytes instead (see the class doc). */
    static DecodedImage decode(byte[] b) {
        if (!startsWith(b, SIGNATURE)) {
            return null;
        }
        CRC32 crc = new CRC32();
        int pos = SIGNATURE.length;
        int width = 0;
        int height = 0;
        int samplesPerPixel = 0;
        // The IDAT chunks as (data offset, length) pairs; the specification makes them consecutive.
        int[] idat = new int[8];
        int idatCount = 0;
        boolean idatClosed = false;
        while (true) {
            if (pos + 12 > b.length) {
                return null;
            }
            int length = readInt(b, pos);
            int type = readInt(b, pos + 4);
            if (length < 0 || (long) pos + 12 + length > b.length) {
                return null;
            }
            crc.reset();
            crc.update(b, pos + 4, 4 + length);
            if ((int) crc.getValue() != readInt(b, pos + 8 + length)) {
                return null;
            }
            int data = pos + 8;
            if (pos == SIGNATURE.length) {
                // IHDR first: bit depth 8, colour type 0/2/4/6, compression, filter and interlace methods 0.
                if (type != IHDR || length != 13 || b[data + 8] != 8 || b[data + 10] != 0 || b[data + 11] != 0
                        || b[data + 12] != 0) {
                    return null;
                }
                width = readInt(b, data);
                height = readInt(b, data + 4);
                samplesPerPixel = switch (b[data + 9]) {
                    case 0 -> 1;
                    case 2 -> 3;
                    case 4 -> 2;
                    case 6 -> 4;
                    default -> 0;
                };
                if (samplesPerPixel == 0 || width <= 0 || height <= 0
                        || (long) width * height * samplesPerPixel > Integer.MAX_VALUE / 2) {
                    return null;
                }
            } else if (type == IDAT) {
                if (idatClosed) {
                    return null;
                }
                if (2 * idatCount + 2 > idat.length) {
                    idat = Arrays.copyOf(idat, 2 * idat.length);
                }
                idat[2 * idatCount] = data;
                idat[2 * idatCount + 1] = length;
                idatCount++;
            } else if (type == IEND) {
                break;
            } else if (NEUTRAL.contains(type)) {
                idatClosed = idatCount > 0;
            } else {
                return null;
            }
            pos += 12 + length;
        }
        return idatCount == 0 ? null : unfilter(b, idat, idatCount, width, height, samplesPerPixel);
    }

    /**
     * PNG bytes of an 8-bit gray (1 channel) or RGB (3 channels) image: IHDR, one IDAT, IEND; each row filtered
     * with the "up" filter, which suits smooth images and costs one subtraction per byte.
     */
    static byte[] encode(DecodedImage image) {
        int w = image.width();
        int h = image.height();
        int c = image.channels();
        int plane = w * h;
        int stride = w * c;
        byte[] chw = image.chw();
        byte[] raw = new byte[(stride + 1) * h];
        byte[] row = new byte[stride];
        byte[] previous = new byte[stride];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int k = 0; k < c; k++) {
                    row[x * c + k] = chw[k * plane + y * w + x];
                }
            }
            int out = y * (stride + 1);
            raw[out] = 2;
            for (int i = 0; i < stride; i++) {
                raw[out + 1 + i] = (byte) (row[i] - previous[i]);
            }
            byte[] swap = previous;
            previous = row;
            row = swap;
        }
        Deflater deflater = DEFLATER.get();
        deflater.reset();
        deflater.setInput(raw);
        deflater.finish();
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(raw.length / 2 + 64);
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            compressed.write(buffer, 0, deflater.deflate(buffer));
        }
        byte[] ihdr = new byte[13];
        writeInt(ihdr, 0, w);
        writeInt(ihdr, 4, h);
        ihdr[8] = 8;
        ihdr[9] = (byte) (c == 1 ? 0 : 2);
        ByteArrayOutputStream png = new ByteArrayOutputStream(compressed.size() + 64);
        png.writeBytes(SIGNATURE);
        writeChunk(png, IHDR, ihdr);
        writeChunk(png, IDAT, compressed.toByteArray());
        writeChunk(png, IEND, new byte[0]);
        return png.toByteArray();
    }

    private static DecodedImage unfilter(byte[] b, int[] idat, int idatCount, int width, int height, int spp) {
        int stride = width * spp;
        byte[] raw = new byte[(stride + 1) * height];
        Inflater inflater = INFLATER.get();
        inflater.reset();
        try {
            int n = 0;
            int next = 0;
            while (n < raw.length) {
                if (inflater.needsInput()) {
                    if (next == idatCount) {
                        return null;
                    }
                    inflater.setInput(b, idat[2 * next], idat[2 * next + 1]);
                    next++;
                    continue;
                }
                int got = inflater.inflate(raw, n, raw.length - n);
                if (got == 0 && (inflater.finished() || inflater.needsDictionary())) {
                    return null;
                }
                n += got;
            }
            // The image stream must end exactly here; trailing pixel data is damage ImageIO should judge.
            if (inflater.inflate(new byte[1]) > 0) {
                return null;
            }
        } catch (DataFormatException e) {
            return null;
        }
        int channels = spp <= 2 ? 1 : 3;
        int plane = width * height;
        byte[] out = new byte[channels * plane];
        byte[] previous = new byte[stride];
        byte[] row = new byte[stride];
        for (int y = 0; y < height; y++) {
            int start = y * (stride + 1);
            int filter = raw[start];
            System.arraycopy(raw, start + 1, row, 0, stride);
            if (!undoFilter(filter, row, previous, spp)) {
                return null;
            }
            for (int x = 0; x < width; x++) {
                for (int k = 0; k < channels; k++) {
                    out[k * plane + y * width + x] = row[x * spp + k];
                }
            }
            byte[] swap = previous;
            previous = row;
            row = swap;
        }
        return new DecodedImage(channels, height, width, out);
    }

    /** Undoes one row's filter in place (PNG specification, section 9); false for an unknown filter type. */
    private static boolean undoFilter(int filter, byte[] row, byte[] up, int bpp) {
        int n = row.length;
        switch (filter) {
            case 0 -> {
            }
            case 1 -> {
                for (int i = bpp; i < n; i++) {
                    row[i] += row[i - bpp];
                }
            }
            case 2 -> {
                for (int i = 0; i < n; i++) {
                    row[i] += up[i];
                }
            }
            case 3 -> {
                for (int i = 0; i < n; i++) {
                    int left = i >= bpp ? row[i - bpp] & 0xFF : 0;
                    row[i] += (byte) ((left + (up[i] & 0xFF)) >>> 1);
                }
            }
            case 4 -> {
                for (int i = 0; i < n; i++) {
                    int a = i >= bpp ? row[i - bpp] & 0xFF : 0;
                    int bb = up[i] & 0xFF;
                    int c = i >= bpp ? up[i - bpp] & 0xFF : 0;
                    int p = a + bb - c;
                    int pa = Math.abs(p - a);
                    int pb = Math.abs(p - bb);
                    int pc = Math.abs(p - c);
                    row[i] += (byte) (pa <= pb && pa <= pc ? a : pb <= pc ? bb : c);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void writeChunk(ByteArrayOutputStream out, int type, byte[] data) {
        byte[] header = new byte[8];
        writeInt(header, 0, data.length);
        writeInt(header, 4, type);
        CRC32 crc = new CRC32();
        crc.update(header, 4, 4);
        crc.update(data);
        byte[] tail = new byte[4];
        writeInt(tail, 0, (int) crc.getValue());
        out.writeBytes(header);
        out.writeBytes(data);
        out.writeBytes(tail);
    }

    private static int type(String name) {
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        return readInt(b, 0);
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b == null || b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
