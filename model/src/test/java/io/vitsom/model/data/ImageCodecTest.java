package io.vitsom.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.InstanceOfAssertFactories.throwable;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageCodecTest {

    private static byte[] randomChw(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] write(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return out.toByteArray();
    }

    private static BufferedImage solid(int type, int rgb) {
        BufferedImage image = new BufferedImage(16, 8, type);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    @Test
    void grayPngRoundTripsToOneChannelWithIdenticalPixels() throws Exception {
        byte[] chw = randomChw(5 * 7, 1);

        DecodedImage image = ImageCodec.decode(ImageCodec.encodePng(1, 5, 7, chw));

        assertThat(image.shape()).isEqualTo("1x5x7");
        assertThat(image.chw()).isEqualTo(chw);
    }

    @Test
    void rgbPngRoundTripsToThreeChannelsInRgbOrder() throws Exception {
        byte[] chw = randomChw(3 * 4 * 6, 2);

        DecodedImage image = ImageCodec.decode(ImageCodec.encodePng(3, 4, 6, chw));

        assertThat(image.shape()).isEqualTo("3x4x6");
        assertThat(image.chw()).isEqualTo(chw);
    }

    @Test
    void colourPngWrittenByImageIoDecodesAsRedGreenBluePlanes() throws Exception {
        DecodedImage image = ImageCodec.decode(write(solid(BufferedImage.TYPE_INT_RGB, 0xC81E3C), "png"));

        assertThat(image.channels()).isEqualTo(3);
        assertThat(image.at(0, 3, 5)).isEqualTo(0xC8);
        assertThat(image.at(1, 3, 5)).isEqualTo(0x1E);
        assertThat(image.at(2, 3, 5)).isEqualTo(0x3C);
    }

    @Test
    void alphaChannelIsDropped() throws Exception {
        DecodedImage image = ImageCodec.decode(write(solid(BufferedImage.TYPE_INT_ARGB, 0x80102030), "png"));

        assertThat(image.shape()).isEqualTo("3x8x16");
        assertThat(image.at(0, 0, 0)).isEqualTo(0x10);
        assertThat(image.at(2, 7, 15)).isEqualTo(0x30);
    }

    @Test
    void grayJpegDecodesToOneChannelAndColourJpegToThree() throws Exception {
        BufferedImage gray = new BufferedImage(16, 8, BufferedImage.TYPE_BYTE_GRAY);
        Arrays.fill(((DataBufferByte) gray.getRaster().getDataBuffer()).getData(), (byte) 100);

        DecodedImage g = ImageCodec.decode(write(gray, "jpeg"));
        DecodedImage c = ImageCodec.decode(write(solid(BufferedImage.TYPE_3BYTE_BGR, 0xC81E3C), "jpeg"));

        assertThat(g.shape()).isEqualTo("1x8x16");
        assertThat(g.at(0, 4, 4)).isCloseTo(100, within(2));
        assertThat(c.shape()).isEqualTo("3x8x16");
        assertThat(c.at(0, 4, 4)).isCloseTo(0xC8, within(4));
        assertThat(c.at(1, 4, 4)).isCloseTo(0x1E, within(4));
        assertThat(c.at(2, 4, 4)).isCloseTo(0x3C, within(4));
    }

    @Test
    void emptyInputIsRejectedAsEmpty() {
        assertThatThrownBy(() -> ImageCodec.decode(new byte[0]))
                .asInstanceOf(throwable(ImageDecodeException.class))
                .satisfies(e -> assertThat(e.reason()).isEqualTo("empty"));
        assertThatThrownBy(() -> ImageCodec.decode(null))
                .asInstanceOf(throwable(ImageDecodeException.class))
                .satisfies(e -> assertThat(e.reason()).isEqualTo("empty"));
    }

    @Test
    void randomBytesAreNotAnImage() {
        assertThatThrownBy(() -> ImageCodec.decode(randomChw(1000, 3)))
                .asInstanceOf(throwable(ImageDecodeException.class))
                .satisfies(e -> assertThat(e.reason()).isEqualTo("not-an-image"))
                .hasMessageContaining("not a PNG or JPEG image (1000 bytes");
    }

    @ParameterizedTest(name = "keeping {0} bytes less")
    @ValueSource(ints = {1, 12, 20, 500, 2000})
    void truncatedPngIsRejectedNotDecodedPartially(int cut) {
        byte[] png = ImageCodec.encodePng(3, 32, 32, randomChw(3 * 32 * 32, 4));
        byte[] truncated = Arrays.copyOf(png, png.length - cut);

        assertThatThrownBy(() -> ImageCodec.decode(truncated))
                .asInstanceOf(throwable(ImageDecodeException.class))
                .satisfies(e -> assertThat(e.reason()).isEqualTo("truncated"))
                .hasMessageContaining("truncated PNG");
    }

    @ParameterizedTest(name = "keeping {0} bytes less")
    @ValueSource(ints = {1, 2, 100})
    void truncatedJpegIsRejectedNotPaddedWithGray(int cut) throws Exception {
        BufferedImage noise = new BufferedImage(32, 32, BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(5);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                noise.setRGB(x, y, random.nextInt());
            }
        }
        byte[] jpeg = write(noise, "jpeg");
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length - cut);

        assertThatThrownBy(() -> ImageCodec.decode(truncated))
                .asInstanceOf(throwable(ImageDecodeException.class))
                .satisfies(e -> assertThat(e.reason()).isEqualTo("truncated"));
    }

    @Test
    void toGrayUsesPilLumaAndToRgbReplicatesTheGrayPlane() {
        DecodedImage rgb = new DecodedImage(3, 1, 2, new byte[] {(byte) 255, 10, 0, 20, 0, (byte) 200});

        DecodedImage gray = ImageCodec.toGray(rgb);
        DecodedImage back = ImageCodec.toRgb(gray);

        // PIL: (19595 R + 38470 G + 7471 B + 32768) >> 16
        assertThat(gray.chw()).containsExactly((byte) 76, (byte) 38);
        assertThat(back.chw()).containsExactly((byte) 76, (byte) 38, (byte) 76, (byte) 38, (byte) 76, (byte) 38);
        assertThat(ImageCodec.toGray(gray)).isSameAs(gray);
        assertThat(ImageCodec.toRgb(rgb)).isSameAs(rgb);
    }

    @Test
    void bilinearResizeKeepsConstantsAndInterpolatesBetweenPixelCentres() {
        DecodedImage ramp = new DecodedImage(1, 1, 2, new byte[] {0, (byte) 200});
        DecodedImage constant = new DecodedImage(3, 3, 3, filled(27, 90));

        DecodedImage wide = ImageCodec.resize(ramp, 1, 4);
        DecodedImage small = ImageCodec.resize(constant, 2, 5);

        // align_corners=False: output x=1 samples source x=0.25, output x=2 samples 0.75.
        assertThat(wide.chw()).containsExactly((byte) 0, (byte) 50, (byte) 150, (byte) 200);
        assertThat(small.shape()).isEqualTo("3x2x5");
        assertThat(small.chw()).isEqualTo(filled(30, 90));
        assertThat(ImageCodec.resize(ramp, 1, 2)).isSameAs(ramp);
    }

    @Test
    void fromFloatsRoundsAndClampsToByteRange() {
        DecodedImage image = ImageCodec.fromFloats(1, 1, 6, new float[] {-0.5f, 0f, 0.5f, 1f, 2f, Float.NaN});

        assertThat(image.chw()).containsExactly((byte) 0, (byte) 0, (byte) 128, (byte) 255, (byte) 255, (byte) 0);
    }

    @Test
    void encodePngRejectsPixelCountNotMatchingShape() {
        assertThatThrownBy(() -> ImageCodec.encodePng(3, 2, 2, new byte[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 12");
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
