package io.vitsom.model.data.augment;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandAugment(num_ops, magnitude, num_magnitude_bins, interpolation=NEAREST, fill=None)}
 * on a PIL image: {@code numOps} times, one of the 14 {@link Op}s is drawn uniformly and applied at the
 * fixed magnitude bin, with a random sign for the signed ones.
 */
public final class RandAugment implements ImageOp {
    /**
     * The operations in torchvision's order (the draw picks an index into this order, so it matters for
     * reproducing a sequence).
     */
    public enum Op {
        IDENTITY(false),
        SHEAR_X(true),
        SHEAR_Y(true),
        TRANSLATE_X(true),
        TRANSLATE_Y(true),
        ROTATE(true),
        BRIGHTNESS(true),
        COLOR(true),
        CONTRAST(true),
        SHARPNESS(true),
        POSTERIZE(false),
        SOLARIZE(false),
        AUTO_CONTRAST(false),
        EQUALIZE(false);

        private static final List<Op> ALL = List.of(values());

        private final boolean signed;

        Op(boolean signed) {
            this.signed = signed;
        }

        /** Whether torchvision negates the magnitude with probability 1/2. */
        public boolean signed() {
            return signed;
        }

        /**
         * torchvision's {@code _augmentation_space(num_bins, (height, width))[op][bin]}: the unsigned
         * magnitude at bin {@code bin}.
         */
        public double magnitude(int bin, int bins, int height, int width) {
            double t = bins == 1 ? 0.0 : (double) bin / (bins - 1); // linspace(lo, hi, bins)[bin] = lo + t (hi - lo)
            return switch (this) {
                case IDENTITY, AUTO_CONTRAST, EQUALIZE -> 0.0;
                case SHEAR_X, SHEAR_Y -> 0.3 * t;
                case TRANSLATE_X -> 150.0 / 331.0 * width * t;
                case TRANSLATE_Y -> 150.0 / 331.0 * height * t;
                case ROTATE -> 30.0 * t;
                case BRIGHTNESS, COLOR, CONTRAST, SHARPNESS -> 0.9 * t;
                // 8 - round(bin / ((bins - 1) / 4)), torch.round being half-to-even
                case POSTERIZE -> 8 - Math.rint(bins == 1 ? 0.0 : bin / ((bins - 1) / 4.0));
                case SOLARIZE -> 255.0 * (1 - t);
            };
        }

        /** torchvision's {@code _apply_op(img, op, magnitude)} with nearest interpolation and fill 0. */
        public FloatImage apply(FloatImage image, double magnitude) {
            return switch (this) {
                case IDENTITY -> image.copy();
                case SHEAR_X -> PixelOps.shearX(image, magnitude);
                case SHEAR_Y -> PixelOps.shearY(image, magnitude);
                // torchvision passes int(magnitude): truncation towards zero
                case TRANSLATE_X -> PixelOps.translate(image, (int) magnitude, 0);
                case TRANSLATE_Y -> PixelOps.translate(image, 0, (int) magnitude);
                case ROTATE -> PixelOps.rotate(image, magnitude);
                case BRIGHTNESS -> PixelOps.brightness(image, 1.0 + magnitude);
                case COLOR -> PixelOps.saturation(image, 1.0 + magnitude);
                case CONTRAST -> PixelOps.contrast(image, 1.0 + magnitude);
                case SHARPNESS -> PixelOps.sharpness(image, 1.0 + magnitude);
                case POSTERIZE -> PixelOps.posterize(image, (int) magnitude);
                case SOLARIZE -> PixelOps.solarize(image, magnitude);
                case AUTO_CONTRAST -> PixelOps.autoContrast(image);
                case EQUALIZE -> PixelOps.equalize(image);
            };
        }
    }

    private final int numOps;
    private final int magnitude;
    private final int bins;

    /**
     * @param numOps operations applied per image, non-negative
     * @param magnitude the magnitude bin, in [0, bins)
     * @param bins number of magnitude bins, positive
     */
    public RandAugment(int numOps, int magnitude, int bins) {
        if (numOps < 0) {
            throw new IllegalArgumentException("numOps must be non-negative, got " + numOps);
        }
        if (bins <= 0) {
            throw new IllegalArgumentException("bins must be positive, got " + bins);
        }
        if (magnitude < 0 || magnitude >= bins) {
            throw new IllegalArgumentException("magnitude must be in [0, " + bins + "), got " + magnitude);
        }
        this.numOps = numOps;
        this.magnitude = magnitude;
        this.bins = bins;
    }

    /** torchvision's defaults, used by the reference: 2 ops, magnitude 9 of 31 bins. */
    public static RandAugment reference() {
        return new RandAugment(2, 9, 31);
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator rng) {
        FloatImage out = image.copy();
        for (int i = 0; i < numOps; i++) {
            Op op = Op.ALL.get(rng.nextInt(Op.ALL.size()));
            double m = op.magnitude(magnitude, bins, out.height(), out.width());
            // The sign is drawn only for signed ops, as torchvision's short-circuit "signed and randint(2)".
            if (op.signed() && rng.nextBoolean()) {
                m = -m;
            }
            out = op.apply(out, m);
        }
        return out;
    }
}
