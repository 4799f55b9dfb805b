package io.vitsom.model.urlsom;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.infer.Assignments;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UrlSomCheckpointTest {

    @Test
    void aCheckpointKeepsEveryParameterAndTheRunningStatistics(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager(); NDManager restored = NDManager.newBaseManager()) {
            UrlSomModel model = UrlSomModelTest.tiny(manager, 21);
            UrlSomConfig config = model.config();
            float[] images = UrlSomTestConfigs.randomImages(config, 8, 22);
            try (UrlSomTrainer trainer = model.newTrainer(UrlSomSchedule.epochs(config, 1))) {
                trainer.step(images, 8);
                trainer.step(images, 8);
                Checkpoint.save(dir.resolve("ckpt"), trainer, 21, null);
            }
            Checkpoint.Loaded loaded = Checkpoint.load(dir.resolve("ckpt"), restored);
            assertThat(loaded.config()).isEqualTo(config);
            assertThat(loaded.model()).isInstanceOf(UrlSomModel.class);
            assertThat(loaded.metadata().step()).isEqualTo(2);
            var original = model.namedParameters();
            var copy = loaded.model().namedParameters();
            assertThat(copy.keySet()).containsExactlyElementsOf(original.keySet());
            for (String name : original.keySet()) {
                assertThat(copy.get(name).getArray().toFloatArray()).as(name)
                        .containsExactly(original.get(name).getArray().toFloatArray());
            }
            Assignments before = model.assign(images, 8);
            Assignments after = loaded.model().assign(images, 8);
            assertThat(after.bmu()).containsExactly(before.bmu());
            assertThat(after.distance()).containsExactly(before.distance());
            assertThat(loaded.moments()).containsKey("projection.weight.exp_avg");
        }
    }
}
