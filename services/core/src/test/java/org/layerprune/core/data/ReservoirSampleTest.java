package org.layerprune.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReservoirSampleTest {

    private static final List<Integer> TEN = IntStream.range(0, 10).boxed().toList();

    @Test
    void choosesEveryItemWithEqualProbability() {
        int trials = 20_000;
        int[] counts = new int[TEN.size()];
        for (long seed = 0; seed < trials; seed++) {
            for (int item : ReservoirSample.choose(TEN.iterator(), 3, seed)) {
                counts[item]++;
            }
        }
        // each item is chosen with probability 3/10; 4 standard deviations is about 0.013
        for (int count : counts) {
            assertEquals(0.3, count / (double) trials, 0.015);
        }
    }

    @Test
    void returnsTheChosenItemsInArrivalOrderWithoutRepeats() {
        for (long seed = 0; seed < 100; seed++) {
            List<Integer> chosen = ReservoirSample.choose(TEN.iterator(), 4, seed);
            assertEquals(4, chosen.size());
            for (int i = 1; i < chosen.size(); i++) {
                assertTrue(chosen.get(i - 1) < chosen.get(i), chosen.toString());
            }
        }
    }

    @Test
    void theSameSeedChoosesTheSameItemsAndAnotherSeedUsuallyOthers() {
        List<Integer> once = ReservoirSample.choose(TEN.iterator(), 5, 42);
        assertEquals(once, ReservoirSample.choose(TEN.iterator(), 5, 42));
        assertNotEquals(once, ReservoirSample.choose(TEN.iterator(), 5, 43));
    }

    @Test
    void choosesTheItemsPinnedForOneSeedSoThatCalibrationSetsStayReproducible() {
        List<Integer> hundred = IntStream.range(0, 100).boxed().toList();
        assertEquals(
                List.of(16, 18, 45, 53, 97), ReservoirSample.choose(hundred.iterator(), 5, 2024));
    }

    @Test
    void returnsEverythingWhenFewerItemsThanAskedFor() {
        assertEquals(TEN, ReservoirSample.choose(TEN.iterator(), 25, 7));
    }
}
