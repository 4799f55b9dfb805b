package io.vitsom.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitsom.model.gensom.TinyGenSom;
import io.vitsom.model.map.UnitSampler;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline with a Gen-SOM-Attn as its map model, wired as {@code vitsom run --config
 * configs/gen_som_attn_fmnist.yaml} wires it: the learner trains its autoencoder and Kohonen map on the stream, serving
 * assigns with the newest checkpoint, every unit's picture on {@code som.prototypes} is its decoded prototype, and a
 * checkpoint reloads as a model that can generate. A small network (a 3x3 map, widths 4/8) over 300 MNIST images
 * keeps it quick.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class GenSomPipelineTest {
    private static final int IMAGES = 300;
    private static final TinyGenSom MODEL = TinyGenSom.standard().withTraining(10, 32, 0.005).withDataset("mnist");

    @TempDir
    Path work;

    @Test
    void aGenSomLearnsCheckpointsPublishesDecodedPrototypesAndServes() throws Exception {
        MapModelPipelineRun.run(work, MODEL.config(), IMAGES, outcome -> {
            // The Euclidean distance from the attended latent to the nearest prototype.
            assertThat(outcome.assignments()).allSatisfy(b -> assertThat(b.distance()).isGreaterThanOrEqualTo(0.0));
            // Every unit has a picture, its decoded prototype, and a prototype of the latent's width.
            assertThat(outcome.prototypes()).allSatisfy(p -> {
                assertThat(p.dim()).isEqualTo(8);
                assertThat(p.imagePng()).isNotNull();
            });
            assertThat(outcome.newest().model()).isInstanceOf(UnitSampler.class);
            float[][] drawn = ((UnitSampler) outcome.newest().model()).sample(4, 2, 0.1, new Random(1));
            assertThat(drawn).hasNumberOfRows(2);
            assertThat(drawn[0]).hasSize(28 * 28);
        });
    }
}
