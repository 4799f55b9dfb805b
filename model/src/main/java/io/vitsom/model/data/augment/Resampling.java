package io.vitsom.model.data.augment;

/**
 * Geometry shared by the operations: crops, PIL-style bicubic resampling and PIL-style nearest affine warps.
 */
final class Resampling {
    /** PIL's bicubic coefficient (torchvision's antialiased tensor path uses the same). */
    private static final double BICUBIC_A = -0.5;
    /** Half-width of the bicubic kernel at scale 1. */
    private static final double BICUBIC_SUPPORT = 2.0;

    private Resampling() {}

    /** The {@code h x w} window of {@code image} whose top-left pixel is ({@code top}, {@code left}). */
    static FloatImage crop(FloatImage image, int top, int left, int h, int w) {
        if (top < 0 || left < 0 || h <= 0 || w <= 0 || top + h > image.height() || left + w > image.width()) {
            throw new IllegalArgumentException("crop " + h + "x" + w + " at (" + top + ", " + left
                    + ") does not fit in " + image.shape());
        }
        float[] out = new float[image.channels() * h * w];
        for (int c = 0; c < image.channels(); c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(image.data(), image.index(c, top + y, left), out, (c * h + y) * w, w);
            }
        }
        return new FloatImage(image.channels(), h, w, out);
    }

    /**
     * torchvision's {@code CenterCrop}: offsets {@code round((size - crop) / 2)} with Python's
     * round-half-to-even.
     */
    static FloatImage centerCrop(FloatImage image, int h, int w) {
        int top = (int) Math.rint((image.height() - h) / 2.0);
        int left = (int) Math.rint((image.width() - w) / 2.0);
        return crop(image, top, left, h, w);
    }

    /**
     * Bicubic resize as PIL's {@code Image.resize(size, BICUBIC)} computes it: a separable convolution
     * (horizontal pass, then vertical) whose kernel is widened by the scale factor when shrinking
     * (antialiasing), weights normalised per output pixel. Output is clamped to [0, 1] because PIL stores
     * 8-bit results; unlike PIL the values are not rounded to 1/255.
     */
    static FloatImage resizeBicubic(FloatImage image, int outH, int outW) {
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + outH + "x" + outW);
        }
        if (outH == image.height() && outW == image.width()) {
            // PIL's kernel at scale 1 samples the cubic at integer offsets: weights (0, 1, 0), an exact copy.
            return image.copy();
        }
        int c = image.channels();
        int inH = image.height();
        int inW = image.width();
        Kernel kx = kernel(inW, outW);
        Kernel ky = kernel(inH, outH);
        float[] src = image.data();
        float[] horizontal = new float[c * inH * outW];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < inH; y++) {
                int row = (ch * inH + y) * inW;
                for (int x = 0; x < outW; x++) {
                    double sum = 0;
                    for (int k = 0; k < kx.size[x]; k++) {
                        sum += kx.weights[x][k] * src[row + kx.start[x] + k];
                    }
                    horizontal[(ch * inH + y) * outW + x] = (float) sum;
                }
            }
        }
        float[] out = new float[c * outH * outW];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    double sum = 0;
                    for (int k = 0; k < ky.size[y]; k++) {
                        sum += ky.weights[y][k] * horizontal[(ch * inH + ky.start[y] + k) * outW + x];
                    }
                    out[(ch * outH + y) * outW + x] = clamp01(sum);
                }
            }
        }
        return new FloatImage(c, outH, outW, out);
    }

    /** Per-output-pixel taps of PIL's {@code precompute_coeffs} for one axis. */
    private record Kernel(int[] start, int[] size, double[][] weights) {}

    private static Kernel kernel(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = BICUBIC_SUPPORT * filterScale;
        int[] start = new int[outSize];
        int[] size = new int[outSize];
        double[][] weights = new double[outSize][];
        for (int x = 0; x < outSize; x++) {
            double center = (x + 0.5) * scale;
            // PIL truncates (int) after adding 0.5; the operands are non-negative where it matters.
            int min = Math.max((int) (center - support + 0.5), 0);
            int max = Math.min((int) (center + support + 0.5), inSize);
            double[] w = new double[max - min];
            double total = 0;
            for (int k = 0; k < w.length; k++) {
                w[k] = cubic((k + min - center + 0.5) / filterScale);
                total += w[k];
            }
            if (total != 0) {
                for (int k = 0; k < w.length; k++) {
                    w[k] /= total;
                }
            }
            start[x] = min;
            size[x] = w.length;
            weights[x] = w;
        }
        return new Kernel(start, size, weights);
    }

    /** PIL's {@code bicubic_filter} with a = -0.5. */
    private static double cubic(double x) {
        double a = BICUBIC_A;
        x = Math.abs(x);
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /**
     * PIL's {@code Image.transform(size, AFFINE, matrix, NEAREST, fillcolor=0)}: output pixel (x, y) reads
     * input pixel {@code floor(a*(x+0.5) + b*(y+0.5) + c, d*(x+0.5) + e*(y+0.5) + f)}; outside the image
     * the fill value 0 is written. {@code m} is the inverse (output to input) matrix {a, b, c, d, e, f}.
     */
    static FloatImage affineNearest(FloatImage image, double[] m) {
        int h = image.height();
        int w = image.width();
        float[] out = new float[image.data().length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double xin = m[0] * (x + 0.5) + m[1] * (y + 0.5) + m[2];
                double yin = m[3] * (x + 0.5) + m[4] * (y + 0.5) + m[5];
                if (xin < 0 || yin < 0 || xin >= w || yin >= h) {
                    continue; // fill 0, already there
                }
                int sx = (int) xin;
                int sy = (int) yin;
                for (int c = 0; c < image.channels(); c++) {
                    out[image.index(c, y, x)] = image.at(c, sy, sx);
                }
            }
        }
        return new FloatImage(image.channels(), h, w, out);
    }

    static float clamp01(double v) {
        return (float) Math.min(1.0, Math.max(0.0, v));
    }
}
