package io.vitsom.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatasetFitTest {
    private static final Path CONFIGS = Path.of("../configs");
    private static final Path MNIST = CONFIGS.resolve("vit_som_mnist.yaml");

    private static VitSomConfig mnist() throws Exception {
        return ConfigLoader.load(MNIST);
    }

    @Test
    void imagesOfTheModelsShapeKeepTheConfig() throws Exception {
        DatasetFit.Choice choice = DatasetFit.choose(MNIST, mnist(), false, "1x28x28", false, CONFIGS);

        assertThat(choice.path()).isEqualTo(MNIST);
        assertThat(choice.notice()).isEmpty();
    }

    @Test
    void otherImagesPickTheProjectsConfigForTheirShapeAndSaySo() throws Exception {
        DatasetFit.Choice choice = DatasetFit.choose(MNIST, mnist(), false, "1x16x16", false, CONFIGS);

        assertThat(choice.path()).isEqualTo(CONFIGS.resolve("vit_som_usps.yaml"));
        assertThat(DatasetFit.shape(choice.model())).isEqualTo("1x16x16");
        assertThat(choice.notice()).get().asString().contains("the images are 1x16x16, not 1x28x28")
                .contains("vit_som_usps.yaml");
    }

    @Test
    void aConfigTheUserNamedIsNeverReplacedAndTheMessageNamesBothShapesAndTheWaysOut() {
        assertThatThrownBy(() -> DatasetFit.choose(MNIST, mnist(), true, "1x16x16", false, CONFIGS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the dataset's images are 1x16x16 but " + MNIST + " reads 1x28x28")
                .hasMessageContaining("--config")
                .hasMessageContaining("vit_som_usps.yaml")
                .hasMessageContaining("--resize");
    }

    @Test
    void resizingOrConvertingAcceptsAnyShape() throws Exception {
        assertThat(DatasetFit.choose(MNIST, mnist(), true, "3x64x64", true, CONFIGS).path()).isEqualTo(MNIST);
    }

    @Test
    void aShapeNoConfigReadsFailsSayingSo() {
        assertThatThrownBy(() -> DatasetFit.choose(MNIST, mnist(), false, "3x64x64", false, CONFIGS))
                .hasMessageContaining("3x64x64")
                .hasMessageContaining("none of " + CONFIGS + " does");
    }
}
