package org.layerprune.core.heal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The NF4 code book and its nearest-code rule. */
class Nf4Test {

    // bitsandbytes/functional.py, get_4bit_type("nf4"), copied as doubles: each must be a float32 exactly
    private static final double[] BITSANDBYTES_NF4 = {
        -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
        -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
        0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
    };

    @Test
    void codeBookIsBitsandbytesNf4ExactlyAsFloat32() {
        float[] codes = Nf4.codes();
        assertEquals(16, codes.length);
        for (int i = 0; i < codes.length; i++) {
            assertEquals(BITSANDBYTES_NF4[i], (double) codes[i], 0.0, "code " + i);
            assertEquals(BITSANDBYTES_NF4[i], (double) (float) BITSANDBYTES_NF4[i], 0.0, "code " + i + " is a float");
        }
    }

    @Test
    void codeBookIsSortedFromMinusOneToOneWithZeroExactlyAtIndexSeven() {
        float[] codes = Nf4.codes();
        for (int i = 0; i + 1 < codes.length; i++) {
            assertTrue(codes[i] < codes[i + 1], "ascending at " + i);
        }
        assertEquals(-1f, codes[0]);
        assertEquals(1f, codes[15]);
        assertEquals(0f, codes[Nf4.ZERO_INDEX]);
        assertEquals(0, Float.floatToRawIntBits(codes[Nf4.ZERO_INDEX]), "+0.0, not -0.0");
        long negative = java.util.stream.IntStream.range(0, 16).filter(i -> codes[i] < 0).count();
        long positive = java.util.stream.IntStream.range(0, 16).filter(i -> codes[i] > 0).count();
        assertEquals(7, negative);
        assertEquals(8, positive);
    }

    @Test
    void everyCodeIsItsOwnNearestCode() {
        for (int i = 0; i < Nf4.SIZE; i++) {
            assertEquals(i, Nf4.nearest(Nf4.value(i)));
        }
    }

    @Test
    void everyFloatAtAThresholdGoesToItsTrulyNearestCodeWithExactTiesToTheLower() {
        for (int i = 0; i < Nf4.SIZE - 1; i++) {
            float t = Nf4.threshold(i);
            float above = Math.nextUp(t);
            assertEquals(i, Nf4.nearest(t));
            assertEquals(i, Nf4.nearest(Math.nextDown(t)));
            assertEquals(i + 1, Nf4.nearest(above));
            // distances in double are exact for these floats
            double lo = Nf4.value(i);
            double hi = Nf4.value(i + 1);
            assertTrue(t - lo <= hi - t, "threshold " + i + " is nearer the upper code");
            assertTrue(above - lo > hi - above, "just above threshold " + i + " is not nearer the upper code");
        }
    }

    @Test
    void anExactTieBetweenTwoCodesGoesToTheLowerCode() {
        // 0.0 and 0.07958029955625534f: their midpoint is a float
        float tie = Nf4.value(8) / 2;
        assertEquals((double) Nf4.value(8) / 2, tie, 0.0);
        assertEquals(Nf4.ZERO_INDEX, Nf4.nearest(tie));
        assertEquals(Nf4.ZERO_INDEX + 1, Nf4.nearest(Math.nextUp(tie)));
    }

    @Test
    void thresholdsAreWithinOneUlpOfTheBitsandbytesCudaKernelsLiterals() {
        // csrc/kernels.cu dQuantizeNF4, as float literals, lowest first; 9 of the exact midpoints are not floats, and
        // the kernel's literals round 4 of those up instead of down
        float[] cuda = {
            -0.8480964004993439f, -0.6106329262256622f, -0.4599952697753906f, -0.33967943489551544f,
            -0.23460740596055984f, -0.13791173323988914f, -0.045525018125772476f, 0.03979014977812767f,
            0.1202552504837513f, 0.2035212516784668f, 0.2920137718319893f, 0.3893125355243683f,
            0.5016634166240692f, 0.6427869200706482f, 0.8614784181118011f,
        };
        int differ = 0;
        for (int i = 0; i < cuda.length; i++) {
            float t = Nf4.threshold(i);
            assertTrue(t == cuda[i] || Math.nextUp(t) == cuda[i], "threshold " + i + ": " + t + " vs " + cuda[i]);
            differ += t == cuda[i] ? 0 : 1;
        }
        assertEquals(4, differ);
    }

    @Test
    void valuesBeyondPlusMinusOneMapToTheEndCodes() {
        assertEquals(0, Nf4.nearest(-3f));
        assertEquals(15, Nf4.nearest(3f));
        assertEquals(0, Nf4.nearest(Float.NEGATIVE_INFINITY));
        assertEquals(15, Nf4.nearest(Float.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Nf4.nearest(Float.NaN));
    }

    @Test
    void largestGapIsBetweenMinusOneAndTheNextCode() {
        assertEquals(1f - 0.6961928009986877f, Nf4.largestGap());
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    @Test
    void codesReturnsACopy() {
        float[] codes = Nf4.codes();
        codes[0] = 42f;
        assertEquals(-1f, Nf4.value(0));
        assertArrayEquals(BITSANDBYTES_NF4, toDoubles(Nf4.codes()), 0.0);
    }
}
