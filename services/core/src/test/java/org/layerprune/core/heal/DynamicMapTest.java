package org.layerprune.core.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** bitsandbytes' signed 8-bit dynamic code, used for double quantisation. */
class DynamicMapTest {

    @Test
    void has256AscendingCodesFromMinus0_99296875ToOneWithZero() {
        float[] code = DynamicMap.codes();
        assertEquals(256, code.length);
        for (int i = 0; i + 1 < code.length; i++) {
            assertTrue(code[i] < code[i + 1], "ascending at " + i);
        }
        assertEquals(-0.99296875f, code[0]);
        assertEquals(0f, code[127]);
        assertEquals(1f, code[255]);
    }

    @Test
    void negativeHalfMirrorsThePositiveHalfWithoutTheOne() {
        float[] code = DynamicMap.codes();
        for (int i = 0; i <= 254; i++) {
            assertEquals(-code[254 - i], code[i], 0.0, "code " + i);
        }
    }

    @Test
    void entriesMatchCreateDynamicMapEvaluatedInFloat32() {
        // create_dynamic_map(signed=True) re-evaluated in numpy float32 (scalar linspace, float32 products)
        float[] code = DynamicMap.codes();
        assertEquals(-0.9789062738418579f, code[1]);
        assertEquals(-0.96484375f, code[2]);
        assertEquals(-0.10703125596046448f, code[63]);
        assertEquals(-5.500000384017767e-07f, code[126]);
        assertEquals(5.500000384017767e-07f, code[128]);
        assertEquals(3.250000190746505e-06f, code[129]);
        assertEquals(7.749999895168003e-06f, code[130]);
        assertEquals(0.10703125596046448f, code[191]);
        assertEquals(0.992968738079071f, code[254]);
        double absSum = 0;
        for (float c : code) {
            absSum += Math.abs(c);
        }
        assertEquals(75.10526302002006, absSum, 1e-9);
    }

    @Test
    void nearestPicksTheClosestCodeWithTiesToTheLower() {
        float[] code = DynamicMap.codes();
        for (int i = 0; i < 256; i++) {
            assertEquals(i, DynamicMap.nearest(code[i]));
        }
        for (int i = 0; i < 255; i++) {
            float t = DynamicMap.threshold(i);
            float above = Math.nextUp(t);
            assertEquals(i, DynamicMap.nearest(t));
            assertEquals(i + 1, DynamicMap.nearest(above));
            assertTrue((double) t - code[i] <= (double) code[i + 1] - t, "threshold " + i);
            assertTrue((double) above - code[i] > (double) code[i + 1] - above, "above threshold " + i);
        }
        assertEquals(0, DynamicMap.nearest(-1f));
    }

    @Test
    void largestGapIsTheTopDecadeStep() {
        assertEquals(0.9 / 64, DynamicMap.largestGap(), 1e-7);
    }
}
