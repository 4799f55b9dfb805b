package io.vitsom.model.data;

import java.util.Objects;
import java.util.Optional;

/**
 * The train and (optional) test split of one dataset, as found on disk.
 *
 * @param name dataset name (usually the folder name, e.g. {@code mnist})
 * @param train the training split
 * @param test the test split, when the dataset has one
 */
public record Splits(String name, ImageSet train, Optional<ImageSet> test) {
    public Splits {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
    }
}
