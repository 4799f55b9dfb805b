package io.vitsom.bench.drift;

import io.vitsom.model.data.ImageSet;
import io.vitsom.model.data.Splits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * What a drift benchmark streams and what it measures: the training images fed before the switch and after it,
 * and held-out test images of the "old" and the "new" group, each scored for purity on its own labels. A
 * stationary scenario has no switch: no images after it and no new group.
 *
 * @param kind the scenario
 * @param before training images streamed before the switch (stationary: all of them)
 * @param after training images streamed from the switch on, or null for stationary
 * @param oldTest test images of what the stream showed before the switch
 * @param newTest test images of what it shows after, or null for stationary
 * @param oldGroup the old group, in words (for reports)
 * @param newGroup the new group, in words, or null for stationary
 */
record DriftScenario(Kind kind, ImageSet before, ImageSet after, ImageSet oldTest, ImageSet newTest, String oldGroup,
                     String newGroup) {

    /** The scenarios {@code --scenario} names. */
    enum Kind {
        /** One dataset: the first half of its classes (by label), then the others. */
        CLASS_SPLIT("class-split"),
        /** One dataset, then another of the same image shape. */
        DATASET_SWITCH("dataset-switch"),
        /** One dataset's training split, all classes, with no switch: how often the detectors fire for nothing. */
        STATIONARY("stationary");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        /** The name on the command line and in reports. */
        String key() {
            return key;
        }

        /** Whether the stream changes; a stationary stream counts as before the switch from start to end. */
        boolean switches() {
            return this != STATIONARY;
        }

        static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.key.equals(s.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("--scenario must be class-split, dataset-switch or stationary, got "
                    + s);
        }
    }

    /**
     * The first half of the training split's classes (sorted labels; the smaller half when their number is odd),
     * then the rest; each group's test images come from the test split.
     *
     * @param evalImages test images kept per group (a seeded sample when there are more)
     * @throws IllegalArgumentException when the training images are unlabelled or hold fewer than two classes, or
     *     there is no test split or a group has no test images
     */
    static DriftScenario classSplit(Splits data, int evalImages, long seed) {
        ImageSet train = data.train();
        if (!train.fullyLabelled()) {
            throw new IllegalArgumentException(train.name() + " has unlabelled images: class-split needs a label on "
                    + "every training image");
        }
        int[] classes = new TreeSet<>(Arrays.stream(train.labels()).boxed().toList()).stream()
                .mapToInt(Integer::intValue).toArray();
        if (classes.length < 2) {
            throw new IllegalArgumentException("class-split needs at least 2 classes, but " + train.name() + " has "
                    + classes.length + "; use a dataset with more classes, or --scenario dataset-switch");
        }
        int[] old = Arrays.copyOf(classes, classes.length / 2);
        IntPredicate isOld = label -> Arrays.binarySearch(old, label) >= 0;
        // Unlabelled test images belong to neither group.
        IntPredicate isNew = label -> label >= 0 && !isOld.test(label);
        ImageSet test = testSplit(data);
        Random random = new Random(seed ^ 0x7e57L);
        ImageSet oldTest = sample(where(test, isOld, "old classes"), evalImages, random);
        ImageSet newTest = sample(where(test, isNew, "new classes"), evalImages, random);
        int[] fresh = Arrays.copyOfRange(classes, old.length, classes.length);
        return new DriftScenario(Kind.CLASS_SPLIT, where(train, isOld, "old classes"),
                where(train, isNew, "new classes"), oldTest, newTest, describe(old, train),
                describe(fresh, train));
    }

    /** {@code from}'s training images, then {@code to}'s; each dataset's test images are its group. */
    static DriftScenario datasetSwitch(Splits from, Splits to, int evalImages, long seed) {
        Random random = new Random(seed ^ 0x7e57L);
        return new DriftScenario(Kind.DATASET_SWITCH, from.train(), to.train(),
                sample(testSplit(from), evalImages, random), sample(testSplit(to), evalImages, random),
                from.name() + " (its " + from.train().numClasses() + " classes)",
                to.name() + " (its " + to.train().numClasses() + " classes)");
    }

    /** The whole training split, every class, without a switch; purity on the labelled test images. */
    static DriftScenario stationary(Splits data, int evalImages, long seed) {
        Random random = new Random(seed ^ 0x7e57L);
        ImageSet test = where(testSplit(data), label -> label >= 0, "labelled classes");
        return new DriftScenario(Kind.STATIONARY, data.train(), null, sample(test, evalImages, random), null,
                "all " + data.train().numClasses() + " classes of " + data.name(), null);
    }

    private static ImageSet testSplit(Splits data) {
        return data.test().orElseThrow(() -> new IllegalArgumentException(data.name() + " has no test split: "
                + "bench-drift measures purity on held-out test images (IDX t10k-* files, or a test/ folder)"));
    }

    /** The images of {@code set} whose label passes {@code keep}. */
    private static ImageSet where(ImageSet set, IntPredicate keep, String group) {
        int[] idx = java.util.stream.IntStream.range(0, set.size()).filter(i -> keep.test(set.labels()[i])).toArray();
        if (idx.length == 0) {
            throw new IllegalArgumentException(set.name() + " has no images of the " + group);
        }
        return subset(set, idx, set.name() + " " + group);
    }

    /** At most {@code n} images of {@code set}, drawn without repetition, in their original order. */
    private static ImageSet sample(ImageSet set, int n, Random random) {
        if (set.size() <= n) {
            return set;
        }
        List<Integer> all = new ArrayList<>(set.size());
        for (int i = 0; i < set.size(); i++) {
            all.add(i);
        }
        java.util.Collections.shuffle(all, random);
        int[] idx = all.subList(0, n).stream().mapToInt(Integer::intValue).sorted().toArray();
        return subset(set, idx, set.name() + " sample of " + n);
    }

    private static ImageSet subset(ImageSet set, int[] idx, String name) {
        int bytes = set.imageSize();
        byte[] pixels = new byte[idx.length * bytes];
        for (int k = 0; k < idx.length; k++) {
            System.arraycopy(set.pixels(), idx[k] * bytes, pixels, k * bytes, bytes);
        }
        return new ImageSet(name, set.channels(), set.height(), set.width(), pixels, set.labelsOf(idx),
                set.classNames());
    }

    private static String describe(int[] labels, ImageSet set) {
        List<String> names = new ArrayList<>();
        for (int label : labels) {
            names.add(label < set.classNames().size() ? set.classNames().get(label) : String.valueOf(label));
        }
        return "classes " + String.join(", ", names);
    }
}
