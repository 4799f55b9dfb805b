package io.vitsom.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PngCodecTest {

    /** Hand-made PNG with the given colour type, every row using filter {@code y % 5}, IDAT split in pieces. */
    private static byte[] png(int colourType, int width, int height, byte[] pixels, int idatPieces) {
        int spp = switch (colourType) {
            case 0 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            default -> 4;
        };
        int stride = width * spp;
        byte[] raw = new byte[(stride + 1) * height];
        byte[] previous = new byte[stride];
        for (int y = 0; y < height; y++) {
            int filter = y % 5;
            raw[y * (stride + 1)] = (byte) filter;
            byte[] row = Arrays.copyOfRange(pixels, y * stride, (y + 1) * stride);
            for (int i = 0; i < stride; i++) {
                int a = i >= spp ? row[i - spp] & 0xFF : 0;
                int b = previous[i] & 0xFF;
                int c = i >= spp ? previous[i - spp] & 0xFF : 0;
                int predictor = switch (filter) {
                    case 0 -> 0;
                    case 1 -> a;
                    case 2 -> b;
                    case 3 -> (a + b) / 2;
                    default -> {
                        int p = a + b - c;
                        int pa = Math.abs(p - a);
                        int pb = Math.abs(p - b);
                        int pc = Math.abs(p - c);
                        yield pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    }
                };
                raw[y * (stride + 1) + 1 + i] = (byte) ((row[i] & 0xFF) - predictor);
            }
            previous = row;
        }
        Deflater deflater = new Deflater();
        deflater.setInput(raw);
        deflater.finish();
        byte[] buffer = new byte[raw.length * 2 + 64];
        byte[] zlib = Arrays.copyOf(buffer, deflater.deflate(buffer));
        ByteArrayOutputStream out = PngChunks.header(width, height, colourType);
        PngChunks.chunk(out, "tEXt", "Comment\0made by a test".getBytes(StandardCharsets.ISO_8859_1));
        int piece = (zlib.length + idatPieces - 1) / idatPieces;
        for (int start = 0; start < zlib.length; start += piece) {
            PngChunks.chunk(out, "IDAT", Arrays.copyOfRange(zlib, start, Math.min(zlib.length, start + piece)));
        }
        PngChunks.chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static byte[] smoothPixels(int n, long seed) {
        // Mostly smooth with noise, so every filter sees both small and large differences.
        Random random = new Random(seed);
        byte[] b = new byte[n];
        int v = 128;
        for (int i = 0; i < n; i++) {
            v = random.nextInt(8) == 0 ? random.nextInt(256) : Math.max(0, Math.min(255, v + random.nextInt(21) - 10));
            b[i] = (byte) v;
        }
        return b;
    }

    @ParameterizedTest(name = "colour type {0}")
    @ValueSource(ints = {0, 2, 4, 6})
    void decodesEveryFilterAndColourTypeExactlyAsImageIo(int colourType) throws Exception {
        int spp = colourType == 0 ? 1 : colourType == 2 ? 3 : colourType == 4 ? 2 : 4;
        for (int[] size : new int[][] {{1, 1}, {28, 28}, {13, 7}, {32, 32}}) {
            byte[] bytes = png(colourType, size[0], size[1], smoothPixels(size[0] * size[1] * spp, colourType), 3);

            DecodedImage direct = PngCodec.decode(bytes);
            DecodedImage imageIo = ImageCodec.decodeWithImageIo(bytes, "png", ImageLimits.DEFAULT);

            assertThat(direct).as("handled by the direct decoder").isNotNull();
            assertThat(direct.channels()).isEqualTo(imageIo.channels()).isEqualTo(spp <= 2 ? 1 : 3);
            assertThat(direct.height()).isEqualTo(size[1]);
            assertThat(direct.width()).isEqualTo(size[0]);
            assertThat(direct.chw()).isEqualTo(imageIo.chw());
        }
    }

    @Test
    void decodesPngsWrittenByImageIo() throws Exception {
        for (int type : new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_ARGB}) {
            BufferedImage image = new BufferedImage(19, 11, type);
            Random random = new Random(type);
            for (int y = 0; y < 11; y++) {
                for (int x = 0; x < 19; x++) {
                    image.setRGB(x, y, random.nextInt());
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(ImageIO.write(image, "png", out)).isTrue();
            byte[] bytes = out.toByteArray();

            assertThat(PngCodec.decode(bytes)).isNotNull();
            assertThat(PngCodec.decode(bytes).chw()).isEqualTo(ImageCodec.decodeWithImageIo(bytes, "png", ImageLimits.DEFAULT).chw());
        }
    }

    @Test
    void encodedPngsDecodeToTheSamePixelsInBothDecoders() throws Exception {
        for (int channels : new int[] {1, 3}) {
            byte[] chw = smoothPixels(channels * 28 * 30, channels);
            byte[] bytes = PngCodec.encode(new DecodedImage(channels, 28, 30, chw));

            assertThat(PngCodec.decode(bytes).chw()).isEqualTo(chw);
            assertThat(ImageCodec.decodeWithImageIo(bytes, "png", ImageLimits.DEFAULT).chw()).isEqualTo(chw);
            assertThat(ImageIO.read(new java.io.ByteArrayInputStream(bytes)).getWidth()).isEqualTo(30);
        }
    }

    @Test
    void leavesDamagedAndUnusualFilesToImageIo() {
        byte[] good = png(0, 8, 8, smoothPixels(64, 9), 1);
        assertThat(PngCodec.decode(good)).isNotNull();

        byte[] badCrc = good.clone();
        badCrc[40] ^= 1;
        assertThat(PngCodec.decode(badCrc)).as("a flipped bit fails the chunk CRC").isNull();

        assertThat(PngCodec.decode(Arrays.copyOf(good, good.length - 1))).as("cut inside IEND").isNull();
        assertThat(PngCodec.decode(Arrays.copyOf(good, good.length - 12))).as("no IEND").isNull();

        byte[] sixteenBit = good.clone();
        sixteenBit[24] = 16;
        assertThat(PngCodec.decode(withHeaderCrc(sixteenBit))).as("16-bit samples").isNull();
        byte[] interlaced = good.clone();
        interlaced[28] = 1;
        assertThat(PngCodec.decode(withHeaderCrc(interlaced))).as("Adam7 interlacing").isNull();

        byte[] shortImage = png(0, 8, 4, smoothPixels(32, 9), 1);
        byte[] claimsMoreRows = withHeader(shortImage, 8, 8);
        assertThat(PngCodec.decode(claimsMoreRows)).as("image data shorter than the header says").isNull();
        assertThatThrownBy(() -> ImageCodec.decode(claimsMoreRows)).isInstanceOf(ImageDecodeException.class);
    }

    /** {@code png} with IHDR's width and height replaced. */
    private static byte[] withHeader(byte[] png, int width, int height) {
        byte[] b = png.clone();
        PngChunks.putInt(b, 16, width);
        PngChunks.putInt(b, 20, height);
        return withHeaderCrc(b);
    }

    /** {@code png} (changed in place) with the CRC of its IHDR chunk recomputed. */
    private static byte[] withHeaderCrc(byte[] png) {
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        PngChunks.putInt(png, 29, (int) crc.getValue());
        return png;
    }
}
