package org.layerprune.core.similarity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ProbeResultTest {

    private static final double[][] FOUR_LAYERS = {
            {0.30, 0.20, 0.25, 0.40},  // n = 1, l = 0..3
            {0.35, 0.35, 0.50},        // n = 2, tie between l = 0 and l = 1
            {0.60, 0.55}};             // n = 3

    @Test
    void bestIsTheStartWithTheSmallestDistanceAndTiesGoToTheSmallestStart() {
        ProbeResult r = new ProbeResult("angular-last-token", 4, 10, 1280, FOUR_LAYERS, "h");
        assertEquals(1, r.best(1));
        assertEquals(0, r.best(2));
        assertEquals(1, r.best(3));
        assertEquals(0.25, r.distance(1, 2));
        assertArrayEquals(FOUR_LAYERS[2], r.row(3));
    }

    @Test
    void rejectsRowsOfTheWrongLength() {
        double[][] wrong = {{0.1, 0.2, 0.3}, {0.1, 0.2}};
        assertThrows(IllegalArgumentException.class, () -> new ProbeResult("m", 3, 1, 1, new double[][] {{0.1}}, "h"));
        assertThrows(IllegalArgumentException.class, () -> new ProbeResult("m", 4, 1, 1, wrong, "h"));
    }

    @Test
    void isImmutable() {
        double[][] d = {{0.1, 0.2}};
        ProbeResult r = new ProbeResult("m", 2, 1, 1, d, "h");
        d[0][0] = 9;
        r.distances()[0][0] = 9;
        assertEquals(0.1, r.distance(1, 0));
    }
}
