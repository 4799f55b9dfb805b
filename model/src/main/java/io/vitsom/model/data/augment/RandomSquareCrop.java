package io.vitsom.model.data.augment;

import java.util.random.RandomGenerator;

/**
 * A square crop whose side is drawn uniformly from the integers {@code [minSide, min(maxSide, min(H, W))]}, at a
 * uniformly drawn position, resized back to the input size with PIL-style bicubic interpolation (clamped to
 * [0, 1]). Unlike {@link RandomResizedCrop} (area share and aspect ratio) the size is given in pixels, as in
 * URL-SOM's "uniform random cropping with sizes between 22 to 32 pixels". A crop covering the whole image
 * returns an exact copy.
 */
public final class RandomSquareCrop implements ImageOp {
    private final int minSide;
    private final int maxSide;

    /**
     * @param minSide smallest crop side in pixels, at least 1 and at most the image's shorter side
     * @param maxSide largest crop side in pixels, at least {@code minSide}; clipped to the image's shorter side
     */
    public RandomSquareCrop(int minSide, int maxSide) {
        if (minSide < 1 || maxSide < minSide) {
            throw new IllegalArgumentException(
                    "crop sides must satisfy 1 <= minSide <= maxSide, got (" + minSide + ", " + maxSide + ")");
        }
        this.minSide = minSide;
        this.maxSide = maxSide;
    }

    /** A crop window: top-left corner and side. */
    record Window(int top, int left, int side) {}

    /** Draws the side, then the row, then the column of the window. */
    Window sampleWindow(int height, int width, RandomGenerator rng) {
        int largest = Math.min(maxSide, Math.min(height, width));
        if (minSide > largest) {
            throw new IllegalArgumentException(
                    "minSide " + minSide + " does not fit in a " + height + "x" + width + " image");
        }
        int side = minSide + rng.nextInt(largest - minSide + 1);
        int top = rng.nextInt(height - side + 1);
        int left = rng.nextInt(width - side + 1);
        return new Window(top, left, side);
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator rng) {
        Window window = sampleWindow(image.height(), image.width(), rng);
        FloatImage cropped = Resampling.crop(image, window.top(), window.left(), window.side(), window.side());
        return Resampling.resizeBicubic(cropped, image.height(), image.width());
    }
}
