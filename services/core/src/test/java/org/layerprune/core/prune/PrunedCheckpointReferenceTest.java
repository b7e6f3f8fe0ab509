package org.layerprune.core.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.DType;
import org.layerprune.core.model.LlamaConfig;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.RandomCheckpoint;
import org.layerprune.core.testing.Fixtures;
import org.layerprune.core.testing.PythonReference;

/**
 * The independent load check: the pruned checkpoint, run as it is on disk by the numpy reference, computes what the
 * ORIGINAL checkpoint computes with the block's layers skipped at run time ({@code hf_forward.py --skip-layers}).
 * This holds only if the tensors were renumbered right, copied unchanged, and config.json still gives every kept
 * layer its own settings (here, Qwen2's sliding window from max_window_layers on).
 */
class PrunedCheckpointReferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<int[]> SEQUENCES = List.of(
            new int[] {1, 17, 42, 9, 3, 50, 7, 7, 61, 12, 5, 1, 33},
            new int[] {2, 20, 9});

    /** Both sides are float64 numpy on the same bytes; only the order of identical operations could differ. */
    private static final double TOLERANCE = 1e-9;

    @Test
    void aPrunedQwen2InThreeBf16ShardsComputesWhatTheOriginalComputesWithoutTheBlock(@TempDir Path tmp)
            throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree("""
                {"model_type": "qwen2", "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 6,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 64, "rms_norm_eps": 1e-6,
                 "rope_theta": 1000000.0, "tie_word_embeddings": true, "use_sliding_window": true,
                 "sliding_window": 4, "max_window_layers": 3}""");
        Path source = tmp.resolve("qwen2");
        long total = LlamaModel.parameterCount(LlamaConfig.parse(config)) * 2;
        RandomCheckpoint.write(config, DType.BF16, 20240326, 0.08, total * 2 / 5, source);
        try (Checkpoint checkpoint = Checkpoint.open(source)) {
            assertEquals(3, checkpoint.weightFiles().size());
        }
        BlockSelection block = new BlockSelection(2, 2);
        Path pruned = tmp.resolve("pruned");
        LayerPruner.prune(source, block, Provenance.manual(), pruned, false);
        // Layers 4 and 5 slid before (index >= 3) and still slide as layers 2 and 3 (index >= 2).
        assertEquals(List.of(0, 0, 4, 4), LlamaConfig.read(pruned.resolve("config.json")).slidingWindows());

        assertSameAsSkipping(source, block, pruned, tmp);
    }

    @Test
    void aPrunedStories260kComputesWhatTheOriginalComputesWithoutTheBlock(@TempDir Path tmp) throws Exception {
        Path source = Fixtures.stories260K();
        for (BlockSelection block : List.of(new BlockSelection(1, 2), new BlockSelection(0, 1),
                BlockSelection.simple(5, 2))) {
            Path pruned = tmp.resolve("pruned-" + block.start() + "-" + block.count());
            LayerPruner.prune(source, block, Provenance.manual(), pruned, false);
            assertSameAsSkipping(source, block, pruned, tmp);
        }
    }

    private static void assertSameAsSkipping(Path source, BlockSelection block, Path pruned, Path tmp)
            throws Exception {
        JsonNode skipping = PythonReference.runSkippingLayers(source, SEQUENCES, block.start(), block.count(), tmp);
        JsonNode prunedRun = PythonReference.run(pruned, SEQUENCES, 0, tmp);
        JsonNode full = PythonReference.run(source, SEQUENCES, 0, tmp);

        double differenceFromFull = 0;
        for (int s = 0; s < SEQUENCES.size(); s++) {
            for (int p = 0; p < SEQUENCES.get(s).length; p++) {
                JsonNode expected = skipping.get("logits").get(s).get(p);
                JsonNode actual = prunedRun.get("logits").get(s).get(p);
                assertAgree(block + " logits seq " + s + " pos " + p, expected, actual);
                for (int v = 0; v < expected.size(); v++) {
                    differenceFromFull = Math.max(differenceFromFull,
                            Math.abs(full.get("logits").get(s).get(p).get(v).asDouble() - expected.get(v).asDouble()));
                }
            }
            JsonNode expectedStates = skipping.get("hidden_last_token").get(s);
            JsonNode actualStates = prunedRun.get("hidden_last_token").get(s);
            assertEquals(expectedStates.size(), actualStates.size());
            for (int l = 0; l < expectedStates.size(); l++) {
                assertAgree(block + " x^(" + l + ") seq " + s, expectedStates.get(l), actualStates.get(l));
            }
        }
        // Guards the guard: skipping the block must change what the model computes.
        assertTrue(differenceFromFull > 1e-3, block + ": skipping changed the logits by only " + differenceFromFull);
    }

    private static void assertAgree(String what, JsonNode expected, JsonNode actual) {
        assertEquals(expected.size(), actual.size(), what + ": length");
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i).asDouble();
            double a = actual.get(i).asDouble();
            double error = Math.abs(a - e) / Math.max(Math.abs(e), 1.0);
            assertTrue(error <= TOLERANCE, what + "[" + i + "]: pruned " + a + " vs skipping " + e);
        }
    }
}
