package io.vitsom.stream.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.model.nn.VitSom;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Shared test fixtures of the streaming modules (published as this module's test jar): a tiny model that trains
 * and assigns in milliseconds, checkpoints of it, and synthetic PNG images of its input shape.
 */
public final class Fixtures {
    /** Input side of the tiny model (gray, square). */
    public static final int SIZE = 14;

    private Fixtures() {
    }

    /** A clustering config with a 4x4 map on 14x14 gray images, one tiny transformer block. */
    public static VitSomConfig tinyConfig() {
        String yaml = """
                hyperparameters:
                  model_arch: vit_som
                  total_epochs: 2
                  batch_size: 16
                  gamma: 0.005
                  som: {map_size: [4, 4], Tmax: 4, Tmin: 0.1, distance_fcn: cosine, topology: square, use_reduced: false}
                  vit: {patch_size: 2, emb_dim: 8, depth: 1, dec_emb_dim: 4, dec_depth: 1, heads: 2, mlp_ratio: 4,
                        qkv_bias: true, qk_norm: false, proj_drop: 0.0, attn_drop: 0.0, drop_path: 0.1, global_pool: false}
                  optimizer: {type: adamw, lr: 0.01, min_lr: 0.00001, beta_1: 0.9, beta_2: 0.999,
                              scheduler: cosine_annealing, warmup_epochs: 1, weight_decay: 0.05, layer_decay: 0.75,
                              smoothing: 0.1}
                data: {dataset: synthetic, num_classes: 0, num_channels: 1, input_size: 14}
                """;
        return ConfigLoader.parse(yaml, "tiny");
    }

    /** Writes a freshly initialised tiny model (seeded) as an inference checkpoint into {@code dir}. */
    public static Path tinyCheckpoint(Path dir, long seed, long step) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            VitSom model = VitSom.builder().setConfig(tinyConfig()).build();
            model.initialize(manager);
            Checkpoint.save(dir, model, Map.of(), step, step, seed, null);
        }
        return dir;
    }

    /** {@code n} random gray {@link #SIZE}x{@link #SIZE} images as PNG bytes. */
    public static byte[][] pngImages(int n, long seed) {
        return pngImages(n, seed, 1, SIZE);
    }

    /** {@code n} random images of the given shape as PNG bytes. */
    public static byte[][] pngImages(int n, long seed, int channels, int size) {
        Random random = new Random(seed);
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            byte[] chw = new byte[channels * size * size];
            random.nextBytes(chw);
            out[i] = ImageCodec.encodePng(channels, size, size, chw);
        }
        return out;
    }
}
