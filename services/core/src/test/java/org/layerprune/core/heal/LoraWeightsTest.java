package org.layerprune.core.heal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LoraWeightsTest {

    /** rank 1: A [1, in], B [out, 1]. */
    private static LoraPair pair(int layer, String module, int in, int out) {
        return new LoraPair(layer, module, new float[in], new float[out], in, out);
    }

    @Test
    void sortsPairsByLayerThenByTheirPlaceInTheDecoderLayer() {
        LoraWeights weights = new LoraWeights(List.of(pair(1, "down_proj", 3, 2), pair(0, "q_proj", 2, 2),
                pair(1, "q_proj", 2, 2), pair(0, "down_proj", 3, 2)));
        assertEquals(List.of("0 q_proj", "0 down_proj", "1 q_proj", "1 down_proj"),
                weights.pairs().stream().map(p -> p.layer() + " " + p.module()).toList());
        assertEquals(2, weights.numLayers());
        assertEquals(1, weights.rank());
        assertEquals(List.of("q_proj", "down_proj"), List.copyOf(weights.modules()));
        assertEquals("model.layers.1.mlp.down_proj.weight", weights.pair(1, "down_proj").orElseThrow().weightKey());
    }

    @Test
    void keepsRowMajorFactorsAndCopiesThemInAndOut() {
        float[] a = {1, 2, 3, 4, 5, 6}; // [r = 2, in = 3]
        float[] b = {7, 8, 9, 10};      // [out = 2, r = 2]
        LoraPair pair = new LoraPair(0, "o_proj", a, b, 3, 2);
        a[0] = 99;
        pair.a()[1] = 99;
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, pair.a());
        assertArrayEquals(new float[] {7, 8, 9, 10}, pair.b());
        assertEquals(2, pair.rank());
        assertEquals(new LoraPair(0, "o_proj", new float[] {1, 2, 3, 4, 5, 6}, b, 3, 2), pair);
    }

    @Test
    void refusesFactorsWhoseSizesDisagreeWithInOutAndRank() {
        assertMessage(() -> new LoraPair(0, "up_proj", new float[5], new float[4], 3, 2), "A has 5 values");
        assertMessage(() -> new LoraPair(0, "up_proj", new float[6], new float[3], 3, 2), "B has 3 values");
        assertMessage(() -> new LoraPair(-1, "up_proj", new float[3], new float[2], 3, 2), "negative");
        assertMessage(() -> new LoraPair(0, "lm_head", new float[3], new float[2], 3, 2), "unknown target module");
    }

    @Test
    void refusesDuplicatesMixedRanksAndLayersThatAdaptDifferentModules() {
        assertMessage(() -> new LoraWeights(List.of()), "no LoRA pairs");
        assertMessage(() -> new LoraWeights(List.of(pair(0, "up_proj", 3, 2), pair(0, "up_proj", 3, 2))),
                "layer 0 up_proj is given twice");
        assertMessage(() -> new LoraWeights(List.of(pair(0, "up_proj", 3, 2),
                new LoraPair(0, "down_proj", new float[4], new float[6], 2, 3))), "down_proj has rank 2");
        assertMessage(() -> new LoraWeights(List.of(pair(0, "up_proj", 3, 2), pair(0, "down_proj", 2, 3),
                pair(1, "up_proj", 3, 2))), "layer 1 adapts [up_proj] but layer 0 adapts [up_proj, down_proj]");
        assertMessage(() -> new LoraWeights(List.of(pair(0, "up_proj", 3, 2), pair(2, "up_proj", 3, 2))),
                "layer 1 adapts []");
    }

    private static void assertMessage(Executable executable, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
