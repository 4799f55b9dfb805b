package io.vitsom.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.nn.VitSom;
import io.vitsom.model.train.EpochSchedule;
import io.vitsom.model.train.TrainingPlan;
import io.vitsom.model.train.VitSomTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    private static final String TINY = """
            hyperparameters:
              model_arch: vit_som
              total_epochs: 2
              batch_size: 8
              gamma: 0.005
              som: {map_size: [3, 3], Tmax: 2, Tmin: 0.1, distance_fcn: cosine, topology: hexa, use_reduced: false}
              vit: {patch_size: 2, emb_dim: 4, depth: 1, dec_emb_dim: 4, dec_depth: 1, heads: 1, mlp_ratio: 2,
                    qkv_bias: true, qk_norm: false, proj_drop: 0.0, attn_drop: 0.0, drop_path: 0.0, global_pool: false}
              optimizer: {type: adamw, lr: 0.01, min_lr: 0.00001, beta_1: 0.9, beta_2: 0.999,
                          scheduler: cosine_annealing, warmup_epochs: 1, weight_decay: 0.05, layer_decay: 0.75,
                          smoothing: 0.1}
            data: {dataset: synthetic, num_classes: 0, num_channels: 1, input_size: 4}
            """;

    private static float[] batch(long seed) {
        Random r = new Random(seed);
        float[] x = new float[8 * 16];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return x;
    }

    @Test
    void resumingFromACheckpointContinuesExactlyLikeAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        VitSomConfig config = ConfigLoader.parse(TINY, "tiny");
        TrainingPlan plan = new TrainingPlan(64, 8, 2);
        float[] expected;
        ObjectNode provenance = new ObjectMapper().createObjectNode().put("dataset", "synthetic");
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            VitSom model = VitSom.builder().setConfig(config).build();
            model.initialize(manager);
            try (VitSomTrainer trainer = new VitSomTrainer(model, manager, new EpochSchedule(config, plan))) {
                for (int i = 0; i < 3; i++) {
                    trainer.step(batch(i), null, 8);
                }
                Checkpoint.save(tmp.resolve("ckpt"), trainer, 5, provenance);
                trainer.step(batch(3), null, 8);
                expected = model.namedParameters().get("som_layer.prototypes").getArray().toFloatArray();
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint.Loaded loaded = Checkpoint.load(tmp.resolve("ckpt"), manager);
            assertThat(loaded.metadata().step()).isEqualTo(3);
            assertThat(loaded.metadata().seed()).isEqualTo(5);
            assertThat(loaded.metadata().provenance().path("dataset").asText()).isEqualTo("synthetic");
            assertThat(loaded.config()).isEqualTo(config);
            try (VitSomTrainer trainer = new VitSomTrainer(loaded.vitSom(), manager, new EpochSchedule(config, plan))) {
                loaded.restore(trainer);
                trainer.step(batch(3), null, 8);
            }
            assertThat(loaded.model().namedParameters().get("som_layer.prototypes").getArray().toFloatArray())
                    .containsExactly(expected);
        }
    }

    @Test
    void aTamperedFileIsRefusedNamingIt(@TempDir Path tmp) throws Exception {
        VitSomConfig config = ConfigLoader.parse(TINY, "tiny");
        try (NDManager manager = NDManager.newBaseManager()) {
            VitSom model = VitSom.builder().setConfig(config).build();
            model.initialize(manager);
            Checkpoint.save(tmp.resolve("ckpt"), model, java.util.Map.of(), 0, 0, 1, null);
        }
        Path file = tmp.resolve("ckpt/params/som_layer.prototypes.npy");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> Checkpoint.load(tmp.resolve("ckpt"), manager))
                    .isInstanceOf(CorruptCheckpointException.class)
                    .hasMessageContaining("params/som_layer.prototypes.npy fails its SHA-256 checksum");
        }
    }

    @Test
    void aCheckpointWithoutManifestIsIncomplete(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("ckpt/params"));
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> Checkpoint.load(tmp.resolve("ckpt"), manager))
                    .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("manifest.json is missing");
        }
    }
}
