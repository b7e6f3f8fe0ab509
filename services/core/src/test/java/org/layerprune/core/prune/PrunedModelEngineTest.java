package org.layerprune.core.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.TokenBatch;
import org.layerprune.core.testing.Fixtures;

/** Our engine on a pruned checkpoint computes exactly what it computes on the source with the block skipped. */
class PrunedModelEngineTest {

    private static final TokenBatch BATCH = TokenBatch.of(List.of(
            new int[] {1, 461, 461, 401, 401, 401, 461, 378, 455, 473},
            new int[] {1, 300, 20, 7}));

    @Test
    void aPrunedCheckpointGivesTheLogitsOfTheSourceWithThoseLayersSkipped(@TempDir Path tmp) {
        Path source = Fixtures.stories260K();
        try (LlamaModel original = LlamaModel.load(source, Device.cpu());
                NDManager out = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            float[] full = original.logits(BATCH, out).toFloatArray();
            for (BlockSelection block : List.of(new BlockSelection(0, 1), new BlockSelection(1, 3),
                    new BlockSelection(3, 2), BlockSelection.simple(5, 2))) {
                Path pruned = tmp.resolve("pruned-" + block.start() + "-" + block.count());
                LayerPruner.prune(source, block, Provenance.manual(), pruned, false);
                try (LlamaModel loaded = LlamaModel.load(pruned, Device.cpu());
                        LlamaModel skipping = original.withLayersRemoved(block.start(), block.count())) {
                    assertEquals(5 - block.count(), loaded.config().numHiddenLayers());
                    float[] ours = loaded.logits(BATCH, out).toFloatArray();
                    assertArrayEquals(skipping.logits(BATCH, out).toFloatArray(), ours, block.toString());
                    assertFalse(Arrays.equals(full, ours), "removing " + block + " changes the logits");
                }
            }
        }
    }
}
