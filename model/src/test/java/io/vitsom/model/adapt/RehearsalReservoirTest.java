package io.vitsom.model.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitsom.model.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RehearsalReservoirTest {

    private static final int IMAGE_BYTES = 6;

    @TempDir
    Path tmp;

    /** An image whose first two bytes encode {@code index} and whose others vary with it. */
    private static byte[] image(int index) {
        byte[] b = new byte[IMAGE_BYTES];
        b[0] = (byte) (index >>> 8);
        b[1] = (byte) index;
        for (int k = 2; k < IMAGE_BYTES; k++) {
            b[k] = (byte) (index * 31 + k * 7);
        }
        return b;
    }

    private static int indexOf(byte[] image) {
        return ((image[0] & 0xFF) << 8) | (image[1] & 0xFF);
    }

    @Test
    void keepsEveryImageEquallyLikely() {
        int capacity = 100;
        int offers = 10_000;
        int bins = 100; // bin b holds images 100 b .. 100 b + 99: catches bias towards early or recent images
        int seeds = 400;
        long[] inBin = new long[bins];
        for (int seed = 0; seed < seeds; seed++) {
            RehearsalReservoir r = new RehearsalReservoir(capacity, Long.MAX_VALUE, IMAGE_BYTES, seed);
            for (int i = 0; i < offers; i++) {
                r.offer(image(i), null);
            }
            assertThat(r.size()).isEqualTo(capacity);
            assertThat(r.seen()).isEqualTo(offers);
            Set<Integer> distinct = new HashSet<>();
            for (int s = 0; s < capacity; s++) {
                int index = indexOf(r.imageAt(s));
                assertThat(r.imageAt(s)).isEqualTo(image(index));
                distinct.add(index);
                inBin[index / (offers / bins)]++;
            }
            assertThat(distinct).hasSize(capacity);
        }
        // Each image is kept with probability capacity / offers, so each bin expects seeds * capacity / bins.
        double expected = (double) seeds * capacity / bins;
        double chiSquare = 0;
        for (long observed : inBin) {
            chiSquare += (observed - expected) * (observed - expected) / expected;
        }
        // 99 degrees of freedom: mean 99, sd 14; 99 + 6 sd. A reservoir that favoured recent images fails by
        // orders of magnitude (keeping the last 100 would give about 4 million).
        assertThat(chiSquare).isLessThan(183);
        assertThat(inBin[0]).isBetween((long) (expected * 0.7), (long) (expected * 1.3));
        assertThat(inBin[bins - 1]).isBetween((long) (expected * 0.7), (long) (expected * 1.3));
    }

    @Test
    void capsMemoryAndGrowsStorageOnlyAsNeeded() {
        RehearsalReservoir r = new RehearsalReservoir(1000, 10L * IMAGE_BYTES + 5, IMAGE_BYTES, 1);
        assertThat(r.capacity()).isEqualTo(10);
        for (int i = 0; i < 50; i++) {
            r.offer(image(i), "x");
        }
        assertThat(r.size()).isEqualTo(10);
        assertThat(r.seen()).isEqualTo(50);
        assertThat(r.bytesUsed()).isEqualTo(10L * IMAGE_BYTES);
        assertThat(r.allocatedSlots()).isEqualTo(10);

        // A huge capacity costs nothing until it is used: 3x32x32 images, capped by the 2 GiB array limit.
        int big = 3 * 32 * 32;
        RehearsalReservoir huge = new RehearsalReservoir(Integer.MAX_VALUE, Long.MAX_VALUE, big, 1);
        assertThat(huge.capacity()).isEqualTo((Integer.MAX_VALUE - 8) / big);
        assertThat(huge.allocatedSlots()).isZero();
        huge.offer(new byte[big], null);
        assertThat(huge.allocatedSlots()).isBetween(1, (1 << 20) / big);
        for (int i = 0; i < 1000; i++) {
            huge.offer(new byte[big], null);
        }
        assertThat(huge.size()).isEqualTo(1001);
        assertThat(huge.allocatedSlots()).isBetween(1001, 2 * 1001);
        assertThat(huge.bytesUsed()).isEqualTo(1001L * big);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new RehearsalReservoir(10, 5, IMAGE_BYTES, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBytes 5")
                .hasMessageContaining("effective capacity");
        assertThatThrownBy(() -> new RehearsalReservoir(0, 1000, IMAGE_BYTES, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity").hasMessageContaining("0");
        assertThatThrownBy(() -> new RehearsalReservoir(10, 0, IMAGE_BYTES, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBytes");
        assertThatThrownBy(() -> new RehearsalReservoir(10, 1000, -3, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-3");
        RehearsalReservoir r = new RehearsalReservoir(10, 1000, IMAGE_BYTES, 0);
        assertThatThrownBy(() -> r.offer(new byte[IMAGE_BYTES + 1], null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 bytes");
        assertThat(r.seen()).isZero();
        assertThatThrownBy(() -> r.sample(1, new float[IMAGE_BYTES], 0, null, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("empty");
        r.offer(image(1), null);
        assertThatThrownBy(() -> r.sample(2, new float[2 * IMAGE_BYTES], 1, null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out has");
        assertThatThrownBy(() -> r.sample(2, new float[2 * IMAGE_BYTES], 0, new String[1], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labelsOut");
        assertThatThrownBy(() -> r.sample(-1, new float[0], 0, null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    void offeringImagesInPlaceInABatchKeepsWhatOfferingCopiesKeeps() {
        int images = 40;
        byte[] batch = new byte[2 + images * IMAGE_BYTES];
        for (int i = 0; i < images; i++) {
            System.arraycopy(image(i), 0, batch, 2 + i * IMAGE_BYTES, IMAGE_BYTES);
        }
        // Capacity 8 of 40 offers: the replacement draws are compared too, not only the filling.
        RehearsalReservoir copies = new RehearsalReservoir(8, 1000, IMAGE_BYTES, 5);
        RehearsalReservoir inPlace = new RehearsalReservoir(8, 1000, IMAGE_BYTES, 5);
        for (int i = 0; i < images; i++) {
            copies.offer(image(i), "l" + i);
            inPlace.offer(batch, 2 + i * IMAGE_BYTES, "l" + i);
        }
        assertThat(inPlace.seen()).isEqualTo(copies.seen()).isEqualTo(images);
        int newest = 0;
        for (int s = 0; s < 8; s++) {
            assertThat(inPlace.imageAt(s)).isEqualTo(copies.imageAt(s));
            assertThat(inPlace.labelAt(s)).isEqualTo(copies.labelAt(s));
            newest = Math.max(newest, indexOf(inPlace.imageAt(s)));
        }
        assertThat(newest).as("an image offered after the reservoir was full was kept").isGreaterThanOrEqualTo(8);

        // An image that would run past the end is refused before it counts as seen.
        assertThatThrownBy(() -> inPlace.offer(batch, batch.length - IMAGE_BYTES + 1, null))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> inPlace.offer(batch, -1, null)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(inPlace.seen()).isEqualTo(images);
    }

    @Test
    void sampleScalesPixelsToUnitRange() {
        RehearsalReservoir r = new RehearsalReservoir(4, 1000, 4, 3);
        r.offer(new byte[] {0, 1, (byte) 128, (byte) 255}, "only");
        float[] out = new float[3 + 2 * 4 + 2];
        java.util.Arrays.fill(out, -1f);
        String[] labels = {"a", "b", "c", "d"};
        assertThat(r.sample(2, out, 3, labels, 1)).isEqualTo(2);
        float[] pixels = {0f, 1 / 255f, 128 / 255f, 1f};
        assertThat(out).containsExactly(-1f, -1f, -1f,
                pixels[0], pixels[1], pixels[2], pixels[3], pixels[0], pixels[1], pixels[2], pixels[3], -1f, -1f);
        assertThat(labels).containsExactly("a", "only", "only", "d");
    }

    @Test
    void sampleDrawsWithReplacementAndKeepsLabelsWithTheirImages() {
        RehearsalReservoir r = new RehearsalReservoir(8, 1000, IMAGE_BYTES, 5);
        for (int i = 0; i < 8; i++) {
            r.offer(image(i), i % 3 == 0 ? null : "label-" + i);
        }
        int n = 400; // far more than size(): with replacement
        float[] out = new float[n * IMAGE_BYTES];
        String[] labels = new String[n];
        r.sample(n, out, 0, labels, 0);
        int[] drawn = new int[8];
        for (int i = 0; i < n; i++) {
            byte[] img = new byte[IMAGE_BYTES];
            for (int k = 0; k < IMAGE_BYTES; k++) {
                img[k] = (byte) Math.round(out[i * IMAGE_BYTES + k] * 255f);
            }
            int index = indexOf(img);
            assertThat(img).isEqualTo(image(index));
            assertThat(labels[i]).isEqualTo(index % 3 == 0 ? null : "label-" + index);
            drawn[index]++;
        }
        for (int count : drawn) {
            assertThat(count).isBetween(20, 80); // expects 50 each
        }
        float[] noLabels = new float[IMAGE_BYTES];
        assertThat(r.sample(1, noLabels, 0, null, 0)).isEqualTo(1);
    }

    @Test
    void loadRestoresExactlyTheSameFuture() throws IOException {
        for (int offered : new int[] {0, 7, 30, 1234}) { // empty, partly filled, exactly full, replacing
            RehearsalReservoir a = new RehearsalReservoir(30, 1 << 20, IMAGE_BYTES, 99 + offered);
            for (int i = 0; i < offered; i++) {
                a.offer(image(i), i % 4 == 0 ? null : "l" + i);
            }
            Path dir = tmp.resolve("r" + offered);
            a.save(dir);
            RehearsalReservoir b = RehearsalReservoir.load(dir, 30, 1 << 20, IMAGE_BYTES);
            assertThat(b.size()).isEqualTo(a.size());
            assertThat(b.seen()).isEqualTo(a.seen());
            assertThat(b.capacity()).isEqualTo(a.capacity());
            assertSameContent(a, b);
            for (int i = offered; i < offered + 3000; i++) {
                a.offer(image(i % 60_000), "m" + i);
                b.offer(image(i % 60_000), "m" + i);
                if (i % 100 == 0) {
                    float[] outA = new float[5 * IMAGE_BYTES];
                    float[] outB = new float[5 * IMAGE_BYTES];
                    String[] labelsA = new String[5];
                    String[] labelsB = new String[5];
                    a.sample(5, outA, 0, labelsA, 0);
                    b.sample(5, outB, 0, labelsB, 0);
                    assertThat(outB).containsExactly(outA);
                    assertThat(labelsB).containsExactly(labelsA);
                }
            }
            assertSameContent(a, b);
        }
    }

    @Test
    void saveWritesUint8ImagesAndJsonState() throws IOException {
        RehearsalReservoir r = new RehearsalReservoir(5, 1000, IMAGE_BYTES, 11);
        r.offer(image(1), "one");
        r.offer(image(2), null);
        r.offer(image(3), "three");
        r.save(tmp);
        Npy.Uint8Array images = Npy.readUint8(tmp.resolve("images.npy"));
        assertThat(images.shape()).containsExactly(3, IMAGE_BYTES);
        for (int s = 0; s < 3; s++) {
            assertThat(java.util.Arrays.copyOfRange(images.data(), s * IMAGE_BYTES, (s + 1) * IMAGE_BYTES))
                    .isEqualTo(image(s + 1));
        }
        JsonNode json = new ObjectMapper().readTree(tmp.resolve("reservoir.json").toFile());
        assertThat(json.get("capacity").asInt()).isEqualTo(5);
        assertThat(json.get("image_bytes").asInt()).isEqualTo(IMAGE_BYTES);
        assertThat(json.get("seen").asLong()).isEqualTo(3);
        assertThat(json.get("rng_state").asLong()).isEqualTo(11); // nothing drawn yet
        assertThat(json.get("labels").toString()).isEqualTo("[\"one\",null,\"three\"]");
        assertThat(tmp.resolve("images.npy.tmp")).doesNotExist();
        assertThat(tmp.resolve("reservoir.json.tmp")).doesNotExist();
    }

    @Test
    void loadRejectsADifferentImageSize() throws IOException {
        RehearsalReservoir r = new RehearsalReservoir(5, 1000, IMAGE_BYTES, 11);
        r.offer(image(1), null);
        r.save(tmp);
        assertThatThrownBy(() -> RehearsalReservoir.load(tmp, 5, 1000, 12))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(IMAGE_BYTES + " bytes").hasMessageContaining("12 bytes");
    }

    @Test
    void loadIntoASmallerCapacityKeepsARandomSubset() throws IOException {
        RehearsalReservoir a = new RehearsalReservoir(40, 1 << 20, IMAGE_BYTES, 8);
        for (int i = 0; i < 500; i++) {
            a.offer(image(i), "l" + i);
        }
        a.save(tmp);
        Set<Integer> saved = new HashSet<>();
        for (int s = 0; s < a.size(); s++) {
            saved.add(indexOf(a.imageAt(s)));
        }
        RehearsalReservoir b = RehearsalReservoir.load(tmp, 100, 15L * IMAGE_BYTES, IMAGE_BYTES);
        assertThat(b.capacity()).isEqualTo(15);
        assertThat(b.size()).isEqualTo(15);
        assertThat(b.seen()).isEqualTo(500);
        Set<Integer> kept = new HashSet<>();
        for (int s = 0; s < b.size(); s++) {
            int index = indexOf(b.imageAt(s));
            assertThat(b.imageAt(s)).isEqualTo(image(index));
            assertThat(b.labelAt(s)).isEqualTo("l" + index);
            kept.add(index);
        }
        assertThat(kept).hasSize(15);
        assertThat(saved).containsAll(kept);

        // Every saved slot is equally likely to survive the shrink.
        int[] survived = new int[a.size()];
        int trials = 1000;
        for (int t = 0; t < trials; t++) {
            RehearsalReservoir c = new RehearsalReservoir(40, 1 << 20, IMAGE_BYTES, t);
            for (int i = 0; i < 40; i++) {
                c.offer(image(i), null);
            }
            Path dir = tmp.resolve("shrink");
            c.save(dir);
            RehearsalReservoir d = RehearsalReservoir.load(dir, 10, 1 << 20, IMAGE_BYTES);
            for (int s = 0; s < d.size(); s++) {
                survived[indexOf(d.imageAt(s))]++;
            }
        }
        for (int count : survived) {
            assertThat(count).isBetween(180, 320); // expects 1000 * 10 / 40 = 250, sd about 14
        }
    }

    private static void assertSameContent(RehearsalReservoir a, RehearsalReservoir b) {
        assertThat(b.size()).isEqualTo(a.size());
        for (int s = 0; s < a.size(); s++) {
            assertThat(b.imageAt(s)).isEqualTo(a.imageAt(s));
            assertThat(b.labelAt(s)).isEqualTo(a.labelAt(s));
        }
    }
}
