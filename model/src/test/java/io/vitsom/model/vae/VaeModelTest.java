package io.vitsom.model.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.checkpoint.CorruptCheckpointException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaeModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void samplingIsReproduciblePerSeedAndInTheUnitInterval() {
        try (NDManager manager = NDManager.newBaseManager();
             VaeModel model = VaeModel.create(VaeTestConfigs.tiny(), manager, 3)) {
            float[][] a = model.sample(6, new Random(10));
            float[][] b = model.sample(6, new Random(10));
            float[][] c = model.sample(6, new Random(11));
            assertThat(a).hasDimensions(6, 64);
            assertThat(a).isEqualTo(b);
            assertThat(a).isNotEqualTo(c);
            for (float[] image : a) {
                for (float v : image) {
                    assertThat(v).isBetween(0f, 1f);
                }
            }
        }
    }

    @Test
    void sameSeedGivesTheSameWeightsAndReconstructionIsDeterministic() {
        float[] images = VaeTestConfigs.corners(4, 2);
        try (NDManager manager = NDManager.newBaseManager();
             VaeModel a = VaeModel.create(VaeTestConfigs.tiny(), manager, 5);
             VaeModel b = VaeModel.create(VaeTestConfigs.tiny(), manager, 5)) {
            float[] ra = a.reconstruct(images, 4);
            assertThat(ra).hasSize(4 * 64).isEqualTo(a.reconstruct(images, 4)).isEqualTo(b.reconstruct(images, 4));
        }
    }

    @Test
    void saveAndLoadGiveIdenticalReconstructionsAndKeepTheProvenance(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("vae");
        float[] images = VaeTestConfigs.corners(8, 3);
        ObjectNode provenance = JSON.createObjectNode().put("dataset", "corners").put("epochs", 1);
        try (NDManager manager = NDManager.newBaseManager();
             VaeModel model = VaeModel.create(VaeTestConfigs.tiny(), manager, 7)) {
            try (VaeTrainer trainer = new VaeTrainer(model, 1)) {
                trainer.step(images, 8);
            }
            model.save(dir, provenance);
            try (VaeModel loaded = VaeModel.load(dir, manager)) {
                assertThat(loaded.config()).isEqualTo(model.config());
                assertThat(loaded.seed()).isEqualTo(7);
                assertThat(loaded.reconstruct(images, 8)).isEqualTo(model.reconstruct(images, 8));
                assertThat(loaded.sample(3, new Random(4))).isEqualTo(model.sample(3, new Random(4)));
            }
        }
        var manifest = JSON.readTree(dir.resolve("manifest.json").toFile());
        assertThat(manifest.path("format").asText()).isEqualTo(VaeModel.FORMAT);
        assertThat(manifest.path("provenance")).isEqualTo(provenance);
        assertThat(manifest.path("seed").asLong()).isEqualTo(7);
        assertThat(manifest.path("files").has("config.yaml")).isTrue();
        assertThat(manifest.path("files").has("params/mu.weight.npy")).isTrue();
    }

    @Test
    void loadFailsClearlyOnMissingOrCorruptFolders(@TempDir Path tmp) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> VaeModel.load(tmp.resolve("absent"), manager))
                    .isInstanceOf(NoSuchFileException.class).hasMessageContaining("absent");
            Path dir = tmp.resolve("vae");
            try (VaeModel model = VaeModel.create(VaeTestConfigs.tiny(), manager, 1)) {
                model.save(dir, null);
            }
            Files.delete(dir.resolve("params/logvar.bias.npy"));
            assertThatThrownBy(() -> VaeModel.load(dir, manager)).isInstanceOf(CorruptCheckpointException.class)
                    .hasMessageContaining("params/logvar.bias.npy is missing");
            Files.writeString(dir.resolve("stray.txt"), "x");
            assertThatThrownBy(() -> VaeModel.load(dir, manager)).isInstanceOf(CorruptCheckpointException.class)
                    .hasMessageContaining("stray.txt is not in the manifest");
            Files.writeString(dir.resolve("manifest.json"), "{not json");
            assertThatThrownBy(() -> VaeModel.load(dir, manager)).isInstanceOf(CorruptCheckpointException.class)
                    .hasMessageContaining("manifest.json cannot be parsed");
        }
    }

    @Test
    void rejectsImagesOfTheWrongSize() {
        try (NDManager manager = NDManager.newBaseManager();
             VaeModel model = VaeModel.create(VaeTestConfigs.tiny(), manager, 1)) {
            assertThatThrownBy(() -> model.reconstruct(new float[63], 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected 1 images of 1x8x8 (64 floats), got 63 floats");
        }
    }
}
