package io.vitsom.model.vitsom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.vitsom.model.infer.Assignments;
import io.vitsom.model.infer.VitSomPredictor;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.map.MapTrainer;
import io.vitsom.model.train.VitSomTrainerTest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pinned prototypes of {@link VitSomMapModel#assign} (normalised once while nothing can change them) give the
 * assignments of the plain forward pass, and are never stale: a training step or a re-seeding is seen by the next
 * assignment.
 */
class VitSomMapModelTest {
    private static final int N = 12;

    private static float[] images(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * 14 * 14];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        return x;
    }

    /** BMUs and distances of the unpinned forward pass on the model's current parameters. */
    private static void assertMatchesPlainForward(VitSomMapModel model, NDManager manager, float[] x, Assignments a) {
        float[][] d = new VitSomPredictor(model.vitSom(), manager).distances(x, N);
        for (int i = 0; i < N; i++) {
            int best = 0;
            for (int j = 1; j < d[i].length; j++) {
                best = d[i][j] < d[i][best] ? j : best;
            }
            assertThat(a.bmu()[i]).as("BMU of image %d", i).isEqualTo(best);
            assertThat(a.distance()[i]).as("distance of image %d", i).isCloseTo(d[i][best], within(1e-6f));
        }
    }

    @Test
    void pinnedAssignmentsAreThoseOfThePlainForwardPass() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VitSomMapModel model = (VitSomMapModel) MapModels.create(VitSomTrainerTest.tiny(0), manager);
            float[] x = images(N, 1);
            Assignments pinned = model.assign(x, N);
            assertThat(model.assign(x, N).distance()).as("pinned twice, same answer").containsExactly(pinned.distance());
            assertMatchesPlainForward(model, manager, x, pinned);
        }
    }

    @Test
    void aTrainingStepIsSeenByTheNextAssignment() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VitSomMapModel model = (VitSomMapModel) MapModels.create(VitSomTrainerTest.tiny(0), manager);
            float[] x = images(N, 2);
            Assignments before = model.assign(x, N);
            MapTrainer trainer = model.newTrainer(model.streamingSchedule(1_000));
            for (int step = 0; step < 3; step++) {
                trainer.step(images(16, 10 + step), 16);
            }
            Assignments after = model.assign(x, N);
            assertThat(after.distance()).as("the steps moved the prototypes").isNotEqualTo(before.distance());
            assertMatchesPlainForward(model, manager, x, after);
        }
    }

    @Test
    void aReseededUnitIsSeenByTheNextAssignment() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VitSomMapModel model = (VitSomMapModel) MapModels.create(VitSomTrainerTest.tiny(0), manager);
            float[] x = images(N, 3);
            model.assign(x, N);
            float[] first = java.util.Arrays.copyOf(x, 14 * 14);
            model.reseed(new int[] {5}, first);
            Assignments after = model.assign(first, 1);
            // Unit 5 now holds exactly this image's latent: cosine distance 0.
            assertThat(after.bmu()[0]).isEqualTo(5);
            assertThat(after.distance()[0]).isCloseTo(0f, within(1e-5f));
        }
    }
}
