package org.layerprune.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.layerprune.core.testing.Fixtures;

/** Forward passes free what they allocate: live array counts stay flat across batches and layers. */
class MemoryScopeTest {

    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(Fixtures.stories260K(), Device.cpu());
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void closesEveryTemporaryArrayAfterABatch() {
        // Every scope hangs off the engine's root manager, so counting there counts everything.
        NDManager root;
        try (NDManager probe = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            root = probe.getParentManager();
        }
        int weights = model.weightsManager().getManagedArrays().size();
        int before = root.getManagedArrays().size();
        List<Integer> after = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            TokenBatch batch = TokenBatch.of(List.of(new int[] {1, 2, 3, 4, 5, 6, 7, 8 + i}, new int[] {1, 9}));
            model.forwardResidual(batch, (l, x, b) -> true);
            try (NDManager out = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                model.logits(batch, out);
                model.lastTokenLogits(batch, out);
            }
            after.add(root.getManagedArrays().size());
        }
        Set<Integer> distinct = new HashSet<>(after);
        assertEquals(Set.of(before), distinct, "live arrays after each of 40 batches");
        assertEquals(weights, model.weightsManager().getManagedArrays().size(), "arrays held by the weights");
    }

    @Test
    void keepsTheSameNumberOfLiveArraysAtEveryLayerBoundary() {
        List<Integer> live = new ArrayList<>();
        model.forwardResidual(TokenBatch.of(1, 2, 3, 4), (l, x, b) -> {
            live.add(x.getManager().getManagedArrays().size());
            return true;
        });
        // Boundary 0 comes before the rotary tables and the mask exist; from layer 1 on, only x^(l) changes.
        assertEquals(1, new HashSet<>(live.subList(1, live.size())).size(), "live arrays per boundary: " + live);
    }

    @Test
    void theWeightsManagerRefusesNewArrays() {
        assertThrows(IllegalStateException.class, () -> model.weightsManager().create(new float[] {1f}));
    }
}
