package org.layerprune.core.heal;

import java.util.Arrays;

/**
 * bitsandbytes' signed 8-bit dynamic code ({@code create_dynamic_map(signed=True, max_exponent_bits=7,
 * total_bits=8)} in {@code bitsandbytes/functional.py}, after Dettmers 2015, "8-Bit Approximations for
 * Parallelism in Deep Learning"): 256 sorted values in [-1, 1] with a decimal exponent and a shrinking linear
 * fraction. This is the code {@code quantize_4bit(..., compress_statistics=True)} uses for the second level of
 * double quantisation (QLoRA's "FP8" for the scales).
 *
 * <p>Construction, as in bitsandbytes: for each exponent i = 0..6, the 2^i midpoints of
 * {@code linspace(0.1, 1, 2^i + 1)} (float32) times {@code 10^(i - 6)}, positive and negative; then 0 and 1.0; then
 * sorted. So the table runs from -0.99296875 to 1.0 (there is no -1.0), with 0 exactly, and its resolution is
 * 0.9/64 = 0.0140625 in the top decade, finer below. Products are float32 times a float32 power of ten, as
 * torch multiplies a float32 tensor by a Python scalar.
 *
 * <p>Where this may differ from a given bitsandbytes install: torch computes {@code linspace} on the CPU with a
 * vectorised kernel whose rounding depends on the vector width (AVX2 or AVX-512); this class follows the scalar
 * formula ({@code start + step * i} below half way, {@code end - step * (steps - i - 1)} above). Emulating the three
 * variants in numpy, 26 to 42 of the 256 entries differ between them, each by one float32 ulp (relative 6e-8 at
 * most), so the scales dequantised through this table can differ from bitsandbytes' by that much.
 *
 * <p>Quantising picks the nearest code by the same exact rule as {@link Nf4#nearest(float)} (exact ties to the lower
 * code). bitsandbytes' torch fallback compares with float32-rounded midpoints and its CUDA kernel
 * ({@code dQuantize<0>}) with float32 midpoints after a pivot search, so they can differ from this on a float within
 * half an ulp of a midpoint; its C++ CPU kernel looks up a 65536-entry table, which can pick the other neighbour of
 * values within about 1.5e-5 of a midpoint.
 */
final class DynamicMap {

    /** Number of codes: 8 bits. */
    static final int SIZE = 256;

    private static final int MAX_EXPONENT_BITS = 7;

    // 10^(i - 6) for i = 0..6 as correctly rounded literals (Python's 10 ** -6 is the same double)
    private static final double[] POWERS_OF_TEN = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0};

    // index -> value, ascending
    private static final float[] CODE = build();

    // THRESHOLDS[i]: the largest float that maps to CODE[i] rather than CODE[i + 1]
    private static final float[] THRESHOLDS = Nf4.thresholds(CODE);

    private DynamicMap() {
    }

    /** The code at {@code index} (0 to 255). */
    static float value(int index) {
        return CODE[index];
    }

    /** The 256 codes in ascending order (a copy). */
    static float[] codes() {
        return CODE.clone();
    }

    /**
     * The index of the code nearest to {@code normalised} (already divided by its block's absmax), ties to the lower
     * code; values outside [-1, 1] map to the end codes. NaN is the caller's to exclude.
     */
    static int nearest(float normalised) {
        return Nf4.countBelow(THRESHOLDS, normalised);
    }

    /** The largest float that maps to code {@code i} rather than {@code i + 1}. */
    static float threshold(int i) {
        return THRESHOLDS[i];
    }

    /** The largest distance between neighbouring codes (0.0140625, in the top decade). */
    static float largestGap() {
        float gap = 0;
        for (int i = 0; i < SIZE - 1; i++) {
            gap = Math.max(gap, CODE[i + 1] - CODE[i]);
        }
        return gap;
    }

    private static float[] build() {
        float[] code = new float[SIZE];
        int n = 0;
        for (int i = 0; i < MAX_EXPONENT_BITS; i++) {
            float scale = (float) POWERS_OF_TEN[i];
            float[] boundaries = linspace(0.1f, 1f, (1 << i) + 1);
            for (int j = 0; j + 1 < boundaries.length; j++) {
                float mean = (boundaries[j] + boundaries[j + 1]) / 2f;
                code[n++] = scale * mean;
                code[n++] = -scale * mean;
            }
        }
        code[n++] = 0f;
        code[n++] = 1f;
        if (n != SIZE) {
            throw new AssertionError("dynamic map has " + n + " entries, not " + SIZE);
        }
        Arrays.sort(code);
        return code;
    }

    /** torch.linspace in float32, scalar formula: from both ends towards the middle. */
    private static float[] linspace(float start, float end, int steps) {
        float step = (end - start) / (steps - 1);
        int halfway = steps / 2;
        float[] out = new float[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = i < halfway ? start + step * i : end - step * (steps - i - 1);
        }
        return out;
    }
}
