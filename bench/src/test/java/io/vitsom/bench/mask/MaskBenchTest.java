package io.vitsom.bench.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.data.Splits;
import io.vitsom.model.sommask.SomMaskConfig;
import io.vitsom.model.train.StopSignal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaskBenchTest {
    private static final String CONFIG = """
            hyperparameters:
              model_arch: som_mask
              network: fc
              total_epochs: 2
              batch_size: 8
              hidden: [6, 4]
              masked_layers: 2
              activation: relu
              mask:
                position: before_activation
                organize_sigma: 1.0
                forward_sigma: 2.0
                keep_top: 0
                keep_top_percent: 0.0
                learning_rate: 0.1
              optimizer:
                type: adam
                learning_rate: 0.01
                beta_1: 0.9
                beta_2: 0.999
              comparison: [full, som_mask_k2]
              sigma_sweep: []
            data:
              dataset: synthetic
              num_classes: 3
              num_channels: 1
              input_size: 8
            """;

    /** {@code n} 8x8 images of 3 classes: a bright 4x4 block in a class-dependent corner, plus noise. */
    static ImageSet images(String name, int n, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int p = 0; p < 64; p++) {
                int y = p / 8;
                int x = p % 8;
                boolean block = labels[i] == 0 ? y < 4 && x < 4 : labels[i] == 1 ? y >= 4 && x >= 4 : y < 4 && x >= 4;
                pixels[i * 64 + p] = (byte) ((block ? 200 : 0) + random.nextInt(40));
            }
        }
        return new ImageSet(name, 1, 8, 8, pixels, labels, List.of());
    }

    private static MaskBenchReport run(Path out, StopSignal stop) throws IOException {
        Splits splits = new Splits("synthetic", images("synthetic/train", 48, 1), Optional.of(images("synthetic/test",
                24, 2)));
        MaskBenchOptions options = new MaskBenchOptions(Path.of("synthetic.yaml"), Path.of("synthetic"), null, null, 1,
                5, out);
        var log = new PrintStream(new ByteArrayOutputStream());
        return new MaskBench(options, log, stop).run(SomMaskConfig.parse(CONFIG, "synthetic"), splits);
    }

    @Test
    void writesResultsWithEveryArmAndPictures(@TempDir Path out) throws IOException {
        MaskBenchReport report = run(out, new StopSignal());
        assertFalse(report.incomplete());
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertTrue(json.path("accuracy").path("mean").isNumber());
        assertEquals(0.0, json.path("accuracy").path("std").asDouble());
        assertEquals(2, json.path("active_neurons").path("layers").size());
        JsonNode run = json.path("runs").get(0);
        assertEquals(5, run.path("seed").asLong());
        assertEquals(2, run.path("curve").size());
        assertTrue(run.path("curve").get(1).path("train_loss").isNumber());
        assertTrue(run.path("curve").get(1).path("test_accuracy").isNumber());
        assertEquals(run.path("accuracy").asDouble(), run.path("curve").get(1).path("test_accuracy").asDouble());
        JsonNode arms = json.path("arms");
        assertEquals(List.of("som_mask", "full", "som_mask_k2"),
                List.of(arms.get(0).path("name").asText(), arms.get(1).path("name").asText(),
                        arms.get(2).path("name").asText()));
        // Full counts every neuron of the masked layers (6 + 4); top-2 keeps 2 per layer.
        assertEquals(10.0, arms.get(1).path("active_neurons").path("total").asDouble(), 1e-9);
        assertEquals(4.0, arms.get(2).path("active_neurons").path("total").asDouble(), 1e-9);
        // 64*6+6 + 6*4+4 + 4*3+3 weights and biases.
        assertEquals(433, arms.get(1).path("params").asLong());
        JsonNode provenance = json.path("provenance");
        assertFalse(provenance.path("machine").asText().isEmpty());
        assertEquals(48, provenance.path("train_images").asInt());
        assertEquals(24, provenance.path("test_images").asInt());
        assertTrue(provenance.path("limit").isNull());
        assertTrue(provenance.path("wall_seconds").asDouble() > 0);
        assertEquals("fc", provenance.path("config").path("hyperparameters").path("network").asText());
        for (String png : List.of("curves.png", "som_prototypes.png")) {
            assertNotNull(ImageIO.read(out.resolve(png).toFile()), png);
        }
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| som_mask_k2 |"), md);
        assertTrue(md.contains("active neurons"), md);
    }

    @Test
    void aStopBeforeTheFirstArmWritesAnIncompleteReport(@TempDir Path out) throws IOException {
        StopSignal stop = new StopSignal();
        stop.request("test stop");
        MaskBenchReport report = run(out, stop);
        assertTrue(report.incomplete());
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertTrue(json.path("incomplete").asBoolean());
        assertEquals("som_mask", json.path("interrupted_run").path("arm").asText());
        assertTrue(json.path("accuracy").path("mean").isNull());
    }
}
