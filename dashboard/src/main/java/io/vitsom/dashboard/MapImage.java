package io.vitsom.dashboard;

import java.util.Arrays;
import java.util.Optional;

/** The map pictures the dashboard serves under {@code /map/<file name>}. */
public enum MapImage {
    /** Every unit's prototype decoded to an image, as a mosaic shaped like the map. */
    PROTOTYPES("prototypes.png"),
    /** Mean distance of every prototype to its grid neighbours. */
    UMATRIX("umatrix.png"),
    /** Hits per unit in the rolling window (log scale). */
    HITS("hits.png"),
    /** Majority label per unit in the rolling window. */
    LABELS("labels.png");

    private final String fileName;

    MapImage(String fileName) {
        this.fileName = fileName;
    }

    /** The name under {@code /map/}. */
    public String fileName() {
        return fileName;
    }

    /** The key of this image in the state JSON: the file name without {@code .png}. */
    public String key() {
        return fileName.substring(0, fileName.length() - ".png".length());
    }

    /** The image served as {@code fileName}, if any. */
    public static Optional<MapImage> byFileName(String fileName) {
        return Arrays.stream(values()).filter(i -> i.fileName.equals(fileName)).findFirst();
    }
}
