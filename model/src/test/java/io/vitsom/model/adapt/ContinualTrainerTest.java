package io.vitsom.model.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.train.VitSomTrainerTest;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContinualTrainerTest {
    private static final int PIXELS = 14 * 14;

    /** The tiny config without drop-path, so a step is a function of its inputs and the resume can be exact. */
    private static VitSomConfig deterministic() {
        String yaml = ConfigLoader.toYaml(VitSomTrainerTest.tiny(0)).replace("drop_path: 0.1", "drop_path: 0.0");
        return ConfigLoader.parse(yaml, "tiny-deterministic");
    }

    private static ContinualTrainer trainer(VitSomConfig config, NDManager manager, AdaptationConfig adaptation) {
        Engine.getInstance().setRandomSeed(3);
        return new ContinualTrainer(MapModels.create(config, manager), manager, adaptation, 320, 3);
    }

    /** {@code n} images: a bright square at a position chosen by {@code pattern}, plus a little noise. */
    private static byte[] images(int n, Random r, int pattern) {
        byte[] out = new byte[n * PIXELS];
        for (int i = 0; i < n; i++) {
            int p = pattern < 0 ? r.nextInt(4) : pattern;
            for (int y = 0; y < 14; y++) {
                for (int x = 0; x < 14; x++) {
                    boolean on = y / 7 == p / 2 && x / 7 == p % 2;
                    out[i * PIXELS + y * 14 + x] = (byte) ((on ? 200 : 10) + r.nextInt(20));
                }
            }
        }
        return out;
    }

    @Test
    void rehearsalFillsABatchUpToItsShareOnceTheReservoirHoldsImages() {
        try (NDManager manager = NDManager.newBaseManager();
             ContinualTrainer t = trainer(VitSomTrainerTest.tiny(0), manager, AdaptationConfig.defaults())) {
            Random r = new Random(1);
            ContinualTrainer.Outcome first = t.train(images(4, r, -1), 4);
            assertThat(first.rehearsed()).isZero();
            ContinualTrainer.Outcome second = t.train(images(4, r, -1), 4);
            // Batch 16, share 0.75: 4 fresh images may bring 12 rehearsed ones.
            assertThat(second.rehearsed()).isEqualTo(12);
            assertThat(second.step().bmus()).hasSize(16);
            assertThat(t.freshImages()).isEqualTo(8);
            assertThat(t.rehearsedImages()).isEqualTo(12);
            assertThat(t.reservoirSize()).isEqualTo(8);
        }
        AdaptationConfig off = AdaptationConfig.defaults().with(AdaptationConfig.Rehearsal.defaults().withEnabled(false));
        try (NDManager manager = NDManager.newBaseManager();
             ContinualTrainer t = trainer(VitSomTrainerTest.tiny(0), manager, off)) {
            Random r = new Random(1);
            t.train(images(4, r, -1), 4);
            assertThat(t.train(images(4, r, -1), 4).rehearsed()).isZero();
            assertThat(t.reservoirSize()).isZero();
        }
    }

    @Test
    void aCheckpointCarriesTheReservoirPlasticityAndShadowSoResumingIsExact(@TempDir Path dir) throws Exception {
        VitSomConfig config = deterministic();
        AdaptationConfig adaptation = AdaptationConfig.defaults()
                .with(new AdaptationConfig.Shadow(true, false, false, 0, 0.05));
        Path checkpoint = dir.resolve("v000001");
        Random r = new Random(2);
        byte[] next = images(4, new Random(99), -1);
        float[] expectedBatch;
        float[] expectedPrototypes;
        float[] expectedShadow;
        try (NDManager manager = NDManager.newBaseManager();
             ContinualTrainer t = trainer(config, manager, adaptation)) {
            for (int i = 0; i < 6; i++) {
                t.train(images(4, r, -1), 4);
            }
            Checkpoint.save(checkpoint, t.live(), 3, null, t.checkpointExtra());
            t.train(next, 4);
            expectedBatch = t.lastBatch().clone();
            expectedPrototypes = t.live().map().prototypes();
            expectedShadow = t.shadow().orElseThrow().map().prototypes();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint.Loaded loaded = Checkpoint.load(checkpoint, manager);
            try (ContinualTrainer resumed = new ContinualTrainer(loaded.model(), manager,
                    adaptation.with(new AdaptationConfig.Shadow(false, false, false, 0, 0.05)), 320, 3)) {
                loaded.restore(resumed.live());
                resumed.restore(loaded.dir());
                assertThat(resumed.freshImages()).isEqualTo(24);
                assertThat(resumed.reservoirSize()).isEqualTo(24);
                assertThat(resumed.shadow()).isPresent();
                resumed.train(next, 4);
                assertThat(resumed.lastBatch()).containsExactly(expectedBatch);
                assertThat(resumed.live().map().prototypes())
                        .containsExactly(expectedPrototypes);
                assertThat(resumed.shadow().orElseThrow().map().prototypes()).containsExactly(expectedShadow);
            }
        }
    }

    @Test
    void quarantineKeepsImagesFarFromEveryPrototypeOutUnlessReleased() {
        AdaptationConfig adaptation = AdaptationConfig.defaults()
                .with(new AdaptationConfig.Quarantine(true, 0.99, 1.0, 64, 64));
        try (NDManager manager = NDManager.newBaseManager();
             ContinualTrainer t = trainer(VitSomTrainerTest.tiny(0), manager, adaptation)) {
            Random r = new Random(4);
            // The gate compares with the last 64 distances: by the end they come from a map that has learned the
            // pattern, and an image of it is rarely above their 0.99 quantile.
            int novelDuringTraining = 0;
            for (int i = 0; i < 30; i++) {
                novelDuringTraining += t.train(images(16, r, 0), 16).novel().size();
            }
            assertThat(novelDuringTraining).isLessThan(24);
            assertThat(t.noveltyThreshold()).isPositive();
            // A checkerboard is nothing like a square in one corner.
            byte[] junk = new byte[4 * PIXELS];
            for (int i = 0; i < junk.length; i++) {
                junk[i] = (byte) (((i % 14) + (i / 14)) % 2 == 0 ? 255 : 0);
            }
            ContinualTrainer.Outcome out = t.train(junk, 4);
            assertThat(out.novel()).hasSize(4);
            assertThat(out.step()).isNull();
            assertThat(out.novel().get(0).distance()).isGreaterThan(out.novel().get(0).threshold());
            assertThat(t.novelImages()).isEqualTo(novelDuringTraining + 4);
            ContinualTrainer.Outcome released = t.train(junk, 4, new boolean[] {true, true, false, false});
            assertThat(released.trained()).containsExactly(0, 1);
            assertThat(released.novel()).hasSize(2);
        }
    }

    @Test
    void promotionSwapsTheMapsAndNeedsAShadow() {
        try (NDManager manager = NDManager.newBaseManager();
             ContinualTrainer t = trainer(VitSomTrainerTest.tiny(0), manager, AdaptationConfig.defaults())) {
            assertThatThrownBy(t::promote).isInstanceOf(IllegalStateException.class).hasMessageContaining("shadow");
            Random r = new Random(5);
            t.train(images(8, r, -1), 8);
            t.startShadow();
            var live = t.live();
            var shadow = t.shadow().orElseThrow();
            t.train(images(8, r, -1), 8);
            assertThat(shadow.stepCount()).isEqualTo(1);
            assertThat(live.stepCount()).isEqualTo(2);
            t.promote();
            assertThat(t.live()).isSameAs(shadow);
            assertThat(t.shadow()).containsSame(live);
        }
    }
}
