package io.vitsom.model.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.data.DecodedImage;
import io.vitsom.model.data.ImageCodec;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImagePicturesTest {

    @Test
    void aGrayImageIsAGrayPngThatDecodesToOneChannelOfRoundedClampedPixels() throws Exception {
        float[] chw = {0f, 0.5f, 1f, 1.2f, -0.1f, Float.NaN};
        byte[] png = ImagePictures.png(ImagePictures.picture(chw, 1, 2, 3));

        DecodedImage decoded = ImageCodec.decode(png);
        assertThat(decoded.channels()).isEqualTo(1);
        assertThat(decoded.height()).isEqualTo(2);
        assertThat(decoded.width()).isEqualTo(3);
        // round(v * 255) clamped to [0, 255]; round(127.5) = 128; NaN is black
        assertThat(decoded.chw()).containsExactly(0, (byte) 128, (byte) 255, (byte) 255, 0, 0);
    }

    @Test
    void anRgbImageKeepsItsThreePlanes() throws Exception {
        // 1x2 pixels: red then (0.2, 0.4, 0.6)
        float[] chw = {1f, 0.2f, 0f, 0.4f, 0f, 0.6f};
        BufferedImage picture = ImagePictures.picture(chw, 3, 1, 2);
        assertThat(picture.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF0000);
        // 0.2 * 255 = 51, 0.4 * 255 = 102, 0.6 * 255 = 153
        assertThat(picture.getRGB(1, 0) & 0xFFFFFF).isEqualTo(51 << 16 | 102 << 8 | 153);

        DecodedImage decoded = ImageCodec.decode(ImagePictures.png(picture));
        assertThat(decoded.channels()).isEqualTo(3);
        assertThat(decoded.chw()).containsExactly((byte) 255, 51, 0, 102, 0, (byte) 153);
        assertThatThrownBy(() -> ImagePictures.picture(new float[4], 2, 1, 2))
                .hasMessage("channels must be 1 or 3, got 2");
    }

    @Test
    void aContactSheetLaysTheImagesOutRowByRowWithGapsAndBlankSlots() {
        float[][] images = new float[5][];
        for (int i = 0; i < images.length; i++) {
            images[i] = new float[6];
            java.util.Arrays.fill(images[i], i / 10f); // image i is gray round(i * 25.5)
        }
        BufferedImage sheet = ImagePictures.contactSheet(images, 1, 2, 3, 3, 2, 1);

        // 3 columns of 3 * 2 px tiles with 1 px gaps: 1 + 3 * 7 = 22; 2 rows of 2 * 2 px: 1 + 2 * 5 = 11
        assertThat(sheet.getWidth()).isEqualTo(22);
        assertThat(sheet.getHeight()).isEqualTo(11);
        assertThat(sheet.getRGB(0, 0) & 0xFFFFFF).isEqualTo(MapImages.BACKGROUND_RGB);
        assertThat(sheet.getRGB(1, 1) & 0xFF).isEqualTo(0);
        // image 1 starts at x = 1 + 7, image 4 (second row, second column) at (8, 6); round(0.4 * 255) = 102
        assertThat(sheet.getRGB(8, 1) & 0xFF).isEqualTo(26);
        assertThat(sheet.getRGB(8 + 5, 6 + 3) & 0xFF).isEqualTo(102);
        // the sixth slot is empty
        assertThat(sheet.getRGB(15, 6) & 0xFFFFFF).isEqualTo(MapImages.BACKGROUND_RGB);
    }

    @Test
    void squareColumnsRoundTheSquareRootUp() {
        assertThat(ImagePictures.squareColumns(1)).isEqualTo(1);
        assertThat(ImagePictures.squareColumns(4)).isEqualTo(2);
        assertThat(ImagePictures.squareColumns(5)).isEqualTo(3);
        assertThat(ImagePictures.squareColumns(64)).isEqualTo(8);
        assertThatThrownBy(() -> ImagePictures.squareColumns(0)).hasMessage("count must be positive, got 0");
    }
}
