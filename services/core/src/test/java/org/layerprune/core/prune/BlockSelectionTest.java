package org.layerprune.core.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.layerprune.core.similarity.ProbeResult;

class BlockSelectionTest {

    /** L = 6; for n = 2 the lowest distance is at l = 3, for n = 1 two starts tie at the lowest, 1 and 4. */
    static ProbeResult probe(String modelHash) {
        return new ProbeResult("angular-last-token", 6, 8, 512, new double[][] {
                {0.30, 0.10, 0.20, 0.25, 0.10, 0.40},
                {0.50, 0.45, 0.30, 0.20, 0.60},
                {0.70, 0.55, 0.40, 0.65},
                {0.80, 0.75, 0.85},
                {0.95, 0.90}}, modelHash);
    }

    @Test
    void coversLayersStartToStartPlusCountMinusOneWithAnExclusiveEnd() {
        BlockSelection block = BlockSelection.of(2, 3, 8);
        assertEquals(5, block.end());
        assertEquals(List.of(2, 3, 4), block.removedLayers());
        assertFalse(block.removes(1));
        assertTrue(block.removes(4));
        assertFalse(block.removes(5));
        assertEquals("layers 2..4", block.toString());
        assertEquals("layer 7", new BlockSelection(7, 1).toString());
    }

    @Test
    void movesTheLayersAfterTheBlockDownByItsSize() {
        BlockSelection block = new BlockSelection(2, 3);
        assertEquals(0, block.newIndex(0));
        assertEquals(1, block.newIndex(1));
        assertEquals(2, block.newIndex(5));
        assertEquals(4, block.newIndex(7));
        assertThrows(IllegalArgumentException.class, () -> block.newIndex(3));
    }

    @Test
    void simpleRemovesTheDeepestLayersBeforeTheLastOne() {
        assertEquals(new BlockSelection(6, 3), BlockSelection.simple(10, 3));
        assertEquals(new BlockSelection(8, 1), BlockSelection.simple(10, 1));
        // n = L - 1: everything but the last layer.
        assertEquals(new BlockSelection(0, 9), BlockSelection.simple(10, 9));
    }

    @Test
    void refusesToRemoveAsManyLayersAsTheModelHasOrMore() {
        assertRefused(() -> BlockSelection.simple(10, 10), "10 of 10", "n >= L", "at least one layer must remain");
        assertRefused(() -> BlockSelection.simple(10, 12), "12 of 10", "n >= L");
        assertRefused(() -> BlockSelection.of(0, 5, 5), "5 of 5", "n >= L");
    }

    @Test
    void refusesABlockThatEndsPastTheLastLayer() {
        assertRefused(() -> BlockSelection.of(3, 3, 5), "3 layers from layer 3", "ends at layer 5",
                "past the last layer 4 of 5");
        assertRefused(() -> BlockSelection.of(5, 1, 5), "from layer 5", "past the last layer 4");
    }

    @Test
    void refusesAnEmptyBlockAndANegativeStart() {
        assertRefused(() -> new BlockSelection(0, 0), "at least one layer, not 0");
        assertRefused(() -> new BlockSelection(-1, 2), "starts at a layer >= 0, not -1");
        assertRefused(() -> BlockSelection.simple(10, 0), "at least one layer, not 0");
        assertRefused(() -> new BlockSelection(Integer.MAX_VALUE, 2), "ends past any layer number");
    }

    @Test
    void fromProbeTakesTheStartWithTheSmallestDistanceAndTheFirstOfATie() {
        assertEquals(new BlockSelection(3, 2), BlockSelection.fromProbe(probe("h"), 2));
        assertEquals(new BlockSelection(1, 1), BlockSelection.fromProbe(probe("h"), 1));
        assertEquals(new BlockSelection(1, 5), BlockSelection.fromProbe(probe("h"), 5));
    }

    @Test
    void fromProbeRefusesABlockSizeTheProbeDidNotScore() {
        assertRefused(() -> BlockSelection.fromProbe(probe("h"), 6), "blocks of 1 to 5 layers, not 6");
        assertRefused(() -> BlockSelection.fromProbe(probe("h"), 0), "not 0");
    }

    @Test
    void probeProvenanceRecordsTheMetricTheBlocksDistanceAndTheProbedModel() {
        Provenance provenance = Provenance.fromProbe(probe("abc123"), BlockSelection.fromProbe(probe("h"), 2));
        assertEquals(Provenance.Strategy.PROBE, provenance.strategy());
        assertEquals(Optional.of("angular-last-token"), provenance.metric());
        assertEquals(0.20, provenance.distance().orElseThrow());
        assertEquals(Optional.of("abc123"), provenance.probedModelHash());
        assertEquals(Optional.empty(), Provenance.fromProbe(probe(""), new BlockSelection(3, 2)).probedModelHash());
    }

    @Test
    void probeProvenanceRefusesABlockThatIsNotTheProbesBest() {
        assertRefused(() -> Provenance.fromProbe(probe("h"), new BlockSelection(2, 2)),
                "best block of 2 layers is layers 3..4, not layers 2..3", "manual");
    }

    private static void assertRefused(Executable action, String... mentions) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        for (String mention : mentions) {
            assertTrue(e.getMessage().contains(mention), () -> "'" + e.getMessage() + "' should mention " + mention);
        }
    }
}
