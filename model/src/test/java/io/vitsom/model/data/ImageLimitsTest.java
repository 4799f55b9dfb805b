package io.vitsom.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ImageLimitsTest {

    static Iterable<HostileImages.Item> corpus() {
        return HostileImages.corpus();
    }

    private static String reasonOf(byte[] bytes, ImageLimits limits) {
        try {
            ImageCodec.decode(bytes, limits);
            return null;
        } catch (ImageDecodeException e) {
            return e.reason();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyHostileItemDecodesOrFailsWithItsReason(HostileImages.Item item) {
        String reason = reasonOf(item.bytes(), ImageLimits.DEFAULT);

        // Shape problems are not the codec's business: those items decode, and the input check rejects them.
        boolean decodes = item.reason().equals(HostileImages.VALID) || item.reason().startsWith("wrong-");
        assertThat(reason).as(item.toString()).isEqualTo(decodes ? null : item.reason());
    }

    @Test
    void aTinyPngClaimingAGigapixelIsRefusedFromItsHeader() {
        byte[] bomb = HostileImages.pngHeaderOnly(32767, 32767);

        assertThat(bomb.length).isLessThan(80);
        assertThatThrownBy(() -> ImageCodec.decode(bomb))
                .isInstanceOfSatisfying(ImageDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(ImageDecodeException.TOO_LARGE))
                .hasMessage("PNG header claims 32767x32767 pixels (1,073,676,289), above the limit of 4,194,304 "
                        + "pixels");
    }

    @Test
    void checkHeaderRefusesWithoutDecodingAndNamesTheFormat() throws Exception {
        assertThat(ImageCodec.checkHeader(HostileImages.validPng(1), ImageLimits.DEFAULT)).isEqualTo("png");
        assertThatThrownBy(() -> ImageCodec.checkHeader(HostileImages.pngHeaderOnly(4000, 4000),
                ImageLimits.DEFAULT)).hasMessageContaining("4000x4000");
    }

    @Test
    void limitsAreConfigurableInBytesAndPixels() {
        byte[] png = HostileImages.validPng(2);

        assertThat(reasonOf(png, ImageLimits.DEFAULT.withMaxPixels(28 * 28))).isNull();
        assertThat(reasonOf(png, ImageLimits.DEFAULT.withMaxPixels(28 * 28 - 1)))
                .isEqualTo(ImageDecodeException.TOO_LARGE);
        assertThat(reasonOf(png, ImageLimits.DEFAULT.withMaxBytes(png.length))).isNull();
        assertThat(reasonOf(png, ImageLimits.DEFAULT.withMaxBytes(png.length - 1)))
                .isEqualTo(ImageDecodeException.TOO_LARGE);
    }

    @Test
    void aJpegClaimingAnotherSizeIsMeasuredByItsFrameHeaderEvenAfterJunkBetweenSegments() throws Exception {
        byte[] jpeg = HostileImages.corpus().stream().filter(i -> i.name().equals("gray-jpeg")).findFirst()
                .orElseThrow().bytes();
        // Two junk bytes after the first segment (APP0), which libjpeg skips with a warning.
        int afterApp0 = 4 + ((jpeg[4] & 0xFF) << 8 | (jpeg[5] & 0xFF));
        byte[] junk = new byte[jpeg.length + 2];
        System.arraycopy(jpeg, 0, junk, 0, afterApp0);
        junk[afterApp0] = 0x12;
        junk[afterApp0 + 1] = 0x34;
        System.arraycopy(jpeg, afterApp0, junk, afterApp0 + 2, jpeg.length - afterApp0);
        assertThat(ImageCodec.decode(junk).shape()).isEqualTo("1x28x28");

        assertThat(reasonOf(HostileImages.jpegClaiming(junk, 3000, 3000), ImageLimits.DEFAULT))
                .isEqualTo(ImageDecodeException.TOO_LARGE);
        assertThat(ImageCodec.checkHeader(junk, ImageLimits.DEFAULT.withMaxPixels(28 * 28))).isEqualTo("jpeg");
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new ImageLimits(0, 1)).hasMessageContaining("max image bytes");
        assertThatThrownBy(() -> new ImageLimits(1, -1)).hasMessageContaining("max image pixels");
    }

    @Test
    void anArchiveEntryAboveTheByteLimitIsRefusedBeforeItIsRead(@TempDir Path dir) throws Exception {
        byte[] huge = new byte[(int) ImageLimits.DEFAULT_MAX_BYTES + 1];
        Path archive = TestData.tarGz(dir.resolve("bomb.tar.gz"), Map.of(
                "bomb/train/a/0.png", TestData.png(1, 4, 4, 0),
                "bomb/train/a/1.png", huge));

        assertThatThrownBy(() -> ImageFolderReader.read(archive, null))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("1.png")
                .hasMessageContaining(ImageDecodeException.TOO_LARGE);
    }

    @Test
    void anImageFileAboveTheByteLimitIsRefusedBeforeItIsRead(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("a"));
        Files.write(dir.resolve("a/0.png"), TestData.png(1, 4, 4, 0));
        Files.write(dir.resolve("a/1.png"), new byte[(int) ImageLimits.DEFAULT_MAX_BYTES + 1]);

        assertThatThrownBy(() -> ImageFolderReader.read(dir, null))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(ImageDecodeException.TOO_LARGE);
    }
}
