package org.layerprune.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Compares float32 results with the float64 reference: |ours - ref| <= rtol * max(|ref|, 1). The floor of 1
 * keeps the test meaningful for values near zero, where a purely relative bound would demand more digits
 * than float32 has.
 */
public final class Closeness {

    private Closeness() {
    }

    /** @return the largest error found, scaled as the bound scales it */
    public static double assertClose(String what, float[] ours, JsonNode reference, double rtol) {
        assertEquals(reference.size(), ours.length, what + ": length");
        double worst = 0;
        for (int i = 0; i < ours.length; i++) {
            double ref = reference.get(i).asDouble();
            double error = Math.abs(ours[i] - ref) / Math.max(Math.abs(ref), 1.0);
            worst = Math.max(worst, error);
            if (!(error <= rtol)) {
                assertTrue(false, what + "[" + i + "]: " + ours[i] + " vs reference " + ref
                        + " (scaled error " + error + " > " + rtol + ")");
            }
        }
        return worst;
    }
}
