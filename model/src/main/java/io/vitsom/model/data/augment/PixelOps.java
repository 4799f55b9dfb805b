package io.vitsom.model.data.augment;

/**
 * The deterministic image operations behind {@link RandAugment}, each mirroring what torchvision calls on a
 * PIL image (PIL's {@code ImageEnhance}, {@code ImageOps} and {@code Image.transform}).
 *
 * <p>Blending operations work on floats and clamp to [0, 1], as PIL clips to 8 bits. Operations defined
 * on 8-bit levels (posterize, solarize, autocontrast, equalize) first round each value to the nearest of
 * the 256 levels {@code k / 255}, apply PIL's lookup table, and return levels again.
 */
final class PixelOps {
    /** ITU-R 601-2 luma weights, PIL's {@code convert("L")}. */
    private static final double LUMA_R = 0.299;
    private static final double LUMA_G = 0.587;
    private static final double LUMA_B = 0.114;

    private PixelOps() {}

    // ---- geometry (nearest, fill 0) ----

    /**
     * torchvision's {@code _get_inverse_affine_matrix(center, angle, translate, scale=1, shear)}: the
     * output-to-input matrix {a, b, c, d, e, f}, angles in degrees.
     */
    static double[] inverseAffine(
            double cx, double cy, double angle, double tx, double ty, double shearX, double shearY) {
        double rot = Math.toRadians(angle);
        double sx = Math.toRadians(shearX);
        double sy = Math.toRadians(shearY);
        double a = Math.cos(rot - sy) / Math.cos(sy);
        double b = -Math.cos(rot - sy) * Math.tan(sx) / Math.cos(sy) - Math.sin(rot);
        double c = Math.sin(rot - sy) / Math.cos(sy);
        double d = -Math.sin(rot - sy) * Math.tan(sx) / Math.cos(sy) + Math.cos(rot);
        double[] m = {d, -b, 0.0, -c, a, 0.0};
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
        m[2] += cx;
        m[5] += cy;
        return m;
    }

    /** RandAugment's ShearX: {@code F.affine(shear=[degrees(atan(m)), 0], center=[0, 0])}. */
    static FloatImage shearX(FloatImage image, double magnitude) {
        double degrees = Math.toDegrees(Math.atan(magnitude));
        return Resampling.affineNearest(image, inverseAffine(0, 0, 0, 0, 0, degrees, 0));
    }

    /** RandAugment's ShearY: {@code F.affine(shear=[0, degrees(atan(m))], center=[0, 0])}. */
    static FloatImage shearY(FloatImage image, double magnitude) {
        double degrees = Math.toDegrees(Math.atan(magnitude));
        return Resampling.affineNearest(image, inverseAffine(0, 0, 0, 0, 0, 0, degrees));
    }

    /** {@code F.affine(translate=[tx, ty])} about the image centre: output (x, y) reads input (x - tx, y - ty). */
    static FloatImage translate(FloatImage image, int tx, int ty) {
        double cx = image.width() * 0.5;
        double cy = image.height() * 0.5;
        return Resampling.affineNearest(image, inverseAffine(cx, cy, 0, tx, ty, 0, 0));
    }

    /** PIL's {@code Image.rotate(angle)} (counter-clockwise degrees) about ({@code w/2}, {@code h/2}). */
    static FloatImage rotate(FloatImage image, double angle) {
        double cx = image.width() / 2.0;
        double cy = image.height() / 2.0;
        double t = -Math.toRadians(angle);
        // PIL rounds the trigonometric terms to 15 decimals, which makes right angles exact.
        double cos = round15(Math.cos(t));
        double sin = round15(Math.sin(t));
        double[] m = {cos, sin, 0.0, -sin, cos, 0.0};
        m[2] = m[0] * -cx + m[1] * -cy + cx;
        m[5] = m[3] * -cx + m[4] * -cy + cy;
        return Resampling.affineNearest(image, m);
    }

    private static double round15(double v) {
        return Math.rint(v * 1e15) / 1e15;
    }

    // ---- enhancements: blend(degenerate, image, factor), clamped ----

    /** PIL's {@code ImageEnhance.Brightness}: blend with black, i.e. {@code x * factor}. */
    static FloatImage brightness(FloatImage image, double factor) {
        float[] src = image.data();
        float[] out = new float[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = Resampling.clamp01(src[i] * factor);
        }
        return new FloatImage(image.channels(), image.height(), image.width(), out);
    }

    /** PIL's {@code ImageEnhance.Color}: blend with the grayscale image; a no-op on one-channel images. */
    static FloatImage saturation(FloatImage image, double factor) {
        if (image.channels() != 3) {
            return image.copy(); // PIL's degenerate of an "L" image is the image itself
        }
        float[] gray = luma(image);
        float[] src = image.data();
        float[] out = new float[src.length];
        int plane = gray.length;
        for (int i = 0; i < src.length; i++) {
            double g = gray[i % plane];
            out[i] = Resampling.clamp01(g + factor * (src[i] - g));
        }
        return new FloatImage(image.channels(), image.height(), image.width(), out);
    }

    /**
     * PIL's {@code ImageEnhance.Contrast}: blend with a flat image at the mean gray level, that mean rounded
     * to an 8-bit level as PIL does.
     */
    static FloatImage contrast(FloatImage image, double factor) {
        float[] gray = luma(image);
        double sum = 0;
        for (float g : gray) {
            sum += g;
        }
        double mean = Math.floor(sum / gray.length * 255.0 + 0.5) / 255.0;
        float[] src = image.data();
        float[] out = new float[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = Resampling.clamp01(mean + factor * (src[i] - mean));
        }
        return new FloatImage(image.channels(), image.height(), image.width(), out);
    }

    /**
     * PIL's {@code ImageEnhance.Sharpness}: blend with {@code ImageFilter.SMOOTH} (3x3 kernel, 5 in the
     * centre, 1 around, divided by 13), whose border pixels PIL leaves unchanged.
     */
    static FloatImage sharpness(FloatImage image, double factor) {
        int h = image.height();
        int w = image.width();
        float[] src = image.data();
        float[] smooth = src.clone();
        for (int c = 0; c < image.channels(); c++) {
            for (int y = 1; y < h - 1; y++) {
                for (int x = 1; x < w - 1; x++) {
                    double sum = 4 * src[image.index(c, y, x)];
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            sum += src[image.index(c, y + dy, x + dx)];
                        }
                    }
                    smooth[image.index(c, y, x)] = (float) (sum / 13.0);
                }
            }
        }
        float[] out = new float[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = Resampling.clamp01(smooth[i] + factor * (src[i] - smooth[i]));
        }
        return new FloatImage(image.channels(), h, w, out);
    }

    /** Gray level per pixel: the image itself for one channel, PIL's luma for three. */
    private static float[] luma(FloatImage image) {
        int plane = image.height() * image.width();
        float[] src = image.data();
        float[] gray = new float[plane];
        if (image.channels() != 3) {
            System.arraycopy(src, 0, gray, 0, plane);
            return gray;
        }
        for (int i = 0; i < plane; i++) {
            gray[i] = (float) (LUMA_R * src[i] + LUMA_G * src[plane + i] + LUMA_B * src[2 * plane + i]);
        }
        return gray;
    }

    // ---- 8-bit lookup-table operations ----

    /** The nearest 8-bit level of a [0, 1] value. */
    static int toLevel(float v) {
        return (int) Math.max(0, Math.min(255, Math.round(v * 255.0)));
    }

    /** PIL's {@code ImageOps.posterize(bits)}: keeps the top {@code bits} bits of each level. */
    static FloatImage posterize(FloatImage image, int bits) {
        if (bits < 0 || bits > 8) {
            throw new IllegalArgumentException("bits must be in [0, 8], got " + bits);
        }
        int mask = ~((1 << (8 - bits)) - 1) & 0xFF;
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = i & mask;
        }
        return applyLut(image, channel -> lut);
    }

    /** PIL's {@code ImageOps.solarize(threshold)}: levels at or above the threshold are inverted. */
    static FloatImage solarize(FloatImage image, double threshold) {
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = i < threshold ? i : 255 - i;
        }
        return applyLut(image, channel -> lut);
    }

    /**
     * PIL's {@code ImageOps.autocontrast(cutoff=0)} per channel: stretches [lo, hi] to [0, 255] with
     * {@code int(i * scale + offset)} (truncation, like PIL); a flat channel is left unchanged.
     */
    static FloatImage autoContrast(FloatImage image) {
        return applyLut(image, histogram -> {
            int lo = 0;
            while (lo < 256 && histogram[lo] == 0) {
                lo++;
            }
            int hi = 255;
            while (hi >= 0 && histogram[hi] == 0) {
                hi--;
            }
            int[] lut = new int[256];
            if (hi <= lo) {
                for (int i = 0; i < 256; i++) {
                    lut[i] = i;
                }
                return lut;
            }
            double scale = 255.0 / (hi - lo);
            double offset = -lo * scale;
            for (int i = 0; i < 256; i++) {
                lut[i] = Math.max(0, Math.min(255, (int) (i * scale + offset)));
            }
            return lut;
        });
    }

    /**
     * PIL's {@code ImageOps.equalize} per channel: {@code step = (N - count of the top level) // 255}
     * (current Pillow; releases before 9.x divided by 256),
     * level i maps to {@code (step // 2 + count below i) // step}, clipped to 255 like PIL's 8-bit point
     * table; a channel with one level, or too few pixels for a non-zero step, is left unchanged.
     */
    static FloatImage equalize(FloatImage image) {
        return applyLut(image, histogram -> {
            int[] lut = new int[256];
            int last = -1;
            int nonZero = 0;
            long total = 0;
            for (int i = 0; i < 256; i++) {
                if (histogram[i] != 0) {
                    last = i;
                    nonZero++;
                    total += histogram[i];
                }
            }
            long step = nonZero <= 1 ? 0 : (total - histogram[last]) / 255;
            if (step == 0) {
                for (int i = 0; i < 256; i++) {
                    lut[i] = i;
                }
                return lut;
            }
            long n = step / 2;
            for (int i = 0; i < 256; i++) {
                lut[i] = (int) Math.min(255, n / step);
                n += histogram[i];
            }
            return lut;
        });
    }

    /** Builds a lookup table per channel from that channel's 8-bit histogram. */
    @FunctionalInterface
    private interface LutFromHistogram {
        int[] lut(int[] histogram);
    }

    private static FloatImage applyLut(FloatImage image, LutFromHistogram lutFor) {
        int plane = image.height() * image.width();
        float[] src = image.data();
        float[] out = new float[src.length];
        int[] levels = new int[plane];
        for (int c = 0; c < image.channels(); c++) {
            int[] histogram = new int[256];
            for (int i = 0; i < plane; i++) {
                levels[i] = toLevel(src[c * plane + i]);
                histogram[levels[i]]++;
            }
            int[] lut = lutFor.lut(histogram);
            for (int i = 0; i < plane; i++) {
                out[c * plane + i] = lut[levels[i]] / 255f;
            }
        }
        return new FloatImage(image.channels(), image.height(), image.width(), out);
    }
}
