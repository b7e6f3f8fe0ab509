package org.layerprune.core.heal;

/**
 * The 4-bit NormalFloat code book of QLoRA (Dettmers et al. 2023, section 3): 16 values in [-1, 1], each bin of
 * roughly equal probability under N(0, 1), with 0 exactly representable. A 4-bit index is a position in this table,
 * not a float encoding.
 *
 * <p>The values are bitsandbytes' {@code get_4bit_type("nf4")} in {@code bitsandbytes/functional.py}, where they are
 * hard-coded as the output of {@code create_normal_map(offset=0.9677083, use_extra_value=True)}: the normal quantiles
 * {@code norm.ppf(linspace(0.9677083, 0.5, 9)[:-1])} (8 positive) and {@code -norm.ppf(linspace(0.9677083, 0.5,
 * 8)[:-1])} (7 negative), plus 0, sorted and divided by the largest. Regenerating them that way with scipy and a
 * float32 linspace gives these 16 floats bit for bit. Every value is a float32, so the table is exact in Java. (Source
 * read at bitsandbytes commit 95f9af3.)
 *
 * <p>Quantising picks the nearest code: a float x maps to code i + 1 rather than i when x is above the exact midpoint
 * (c_i + c_(i+1)) / 2, so an exact tie goes to the LOWER code, as in bitsandbytes' CUDA kernel ({@code x > midpoint}
 * in {@code dQuantizeNF4}, {@code csrc/kernels.cu}) and its torch fallback ({@code torch.bucketize}, right=False, in
 * {@code backends/default/ops.py}). The comparison uses {@link #threshold(int)}, the exact midpoint rounded DOWN to a
 * float. bitsandbytes' two implementations round their midpoints differently (the CUDA kernel parses decimal
 * literals, the fallback computes {@code (code[:-1] + code[1:]) / 2} in float32), and 9 of the 15 midpoints are not
 * floats, so they disagree with each other and with the exact rule on single floats within half an ulp of a
 * midpoint (4 thresholds differ by one ulp from the CUDA kernel's, 6 from the fallback's); everywhere else all three
 * agree.
 */
public final class Nf4 {

    /** Number of codes: 4 bits. */
    public static final int SIZE = 16;

    /** Index of the code 0.0, also the index bitsandbytes stores in the padding nibble of an odd-sized tensor. */
    public static final int ZERO_INDEX = 7;

    // index -> value, ascending; index 0 is -1.0, 7 is 0.0, 15 is 1.0
    private static final float[] CODE = {
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
        -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
        0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
        0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
    };

    // THRESHOLDS[i]: the largest float that maps to CODE[i] rather than CODE[i + 1]
    private static final float[] THRESHOLDS = thresholds(CODE);

    private Nf4() {
    }

    /** The code at {@code index} (0 to 15). */
    public static float value(int index) {
        return CODE[index];
    }

    /** The 16 codes in ascending order (a copy). */
    public static float[] codes() {
        return CODE.clone();
    }

    /**
     * The largest float that maps to code {@code i} rather than {@code i + 1} (i from 0 to 14): the exact midpoint of
     * the two codes, rounded down to a float.
     */
    public static float threshold(int i) {
        return THRESHOLDS[i];
    }

    /**
     * The index of the code nearest to {@code normalised}, a value already divided by its block's absmax; a tie
     * (exactly on a midpoint) goes to the lower code. Values outside [-1, 1] map to the end codes, as if clamped.
     * Equivalently: how many thresholds are strictly below {@code normalised}.
     *
     * @throws IllegalArgumentException for NaN, which has no nearest code
     */
    public static int nearest(float normalised) {
        if (Float.isNaN(normalised)) {
            throw new IllegalArgumentException("NaN has no nearest NF4 code");
        }
        return countBelow(THRESHOLDS, normalised);
    }

    /**
     * The largest distance between neighbouring codes, {@code 1.0 - 0.6961928} (between -1 and the next code). Half
     * of it, times the block's absmax, bounds the error of any quantised value.
     */
    public static float largestGap() {
        float gap = 0;
        for (int i = 0; i < SIZE - 1; i++) {
            gap = Math.max(gap, CODE[i + 1] - CODE[i]);
        }
        return gap;
    }

    /**
     * For ascending codes, the largest float that is at most the exact midpoint of each neighbouring pair. The sum of
     * two floats is exact in double unless their exponents are more than 29 apart (checked), and halving is exact, so
     * {@code m} is the true midpoint.
     */
    static float[] thresholds(float[] code) {
        float[] out = new float[code.length - 1];
        for (int i = 0; i < out.length; i++) {
            double m = ((double) code[i] + code[i + 1]) / 2;
            if (2 * m - code[i] != code[i + 1]) {
                throw new AssertionError("midpoint of " + code[i] + " and " + code[i + 1] + " is not exact in double");
            }
            float f = (float) m;
            out[i] = f > m ? Math.nextDown(f) : f;
        }
        return out;
    }

    /** How many of the ascending {@code thresholds} are strictly below {@code x}: binary search. */
    static int countBelow(float[] thresholds, float x) {
        int lo = 0;
        int hi = thresholds.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (thresholds[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
