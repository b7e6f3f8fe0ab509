package org.layerprune.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.DType;
import org.layerprune.core.testing.Closeness;
import org.layerprune.core.testing.PythonReference;

/**
 * Random checkpoints of every supported family, written by {@link RandomCheckpoint}, loaded back and run;
 * their logits and residuals must match the independent float64 numpy reference.
 */
class RandomCheckpointReferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<int[]> SEQUENCES = List.of(
            new int[] {1, 17, 42, 99, 3, 250, 7, 7, 64, 120, 5, 1, 33},
            new int[] {2, 200, 9});

    @Test
    void qwen2WithBiasesTiedEmbeddingsGqaInTwoBf16ShardsMatchesTheReference(@TempDir Path tmp) throws Exception {
        ObjectNode config = config("""
                {"model_type": "qwen2", "hidden_size": 96, "intermediate_size": 160, "num_hidden_layers": 3,
                 "num_attention_heads": 6, "num_key_value_heads": 2, "vocab_size": 256, "rms_norm_eps": 1e-6,
                 "rope_theta": 1000000.0, "tie_word_embeddings": true, "max_position_embeddings": 512}""");
        Path dir = tmp.resolve("qwen2");
        long total = LlamaModel.parameterCount(LlamaConfig.parse(config)) * 2;
        // Shards are filled greedily in tensor order: 60% of the bytes in the first leaves the rest for a second.
        RandomCheckpoint.write(config, DType.BF16, 7, 0.05, total * 3 / 5, dir);
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertTrue(checkpoint.isSharded());
            assertEquals(2, checkpoint.weightFiles().size());
            assertTrue(checkpoint.info(TensorKeys.layer(0, "self_attn.q_proj.bias")).isPresent());
            assertTrue(checkpoint.info(TensorKeys.LM_HEAD).isEmpty(), "tied lm_head is not stored");
        }
        assertMatchesReference(dir, tmp);
    }

    @Test
    void llama3RopeScalingWithExplicitHeadDimAndAttentionBiasMatchesTheReference(@TempDir Path tmp) throws Exception {
        ObjectNode config = config("""
                {"model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "num_key_value_heads": 1, "head_dim": 24, "vocab_size": 300,
                 "attention_bias": true, "mlp_bias": true, "rope_theta": 500000.0,
                 "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                  "high_freq_factor": 4.0, "original_max_position_embeddings": 8}}""");
        Path dir = tmp.resolve("llama3");
        RandomCheckpoint.write(config, DType.F32, 11, 0.05, Long.MAX_VALUE, dir);
        assertMatchesReference(dir, tmp);
    }

    @Test
    void mistralSlidingWindowAndLinearRopeScalingMatchTheReference(@TempDir Path tmp) throws Exception {
        ObjectNode config = config("""
                {"model_type": "mistral", "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 256, "sliding_window": 4,
                 "rope_scaling": {"type": "linear", "factor": 2.0}}""");
        Path dir = tmp.resolve("mistral");
        RandomCheckpoint.write(config, DType.F32, 13, 0.05, Long.MAX_VALUE, dir);
        assertMatchesReference(dir, tmp);
    }

    @Test
    void theSameSeedWritesTheSameBytes(@TempDir Path tmp) throws Exception {
        ObjectNode config = config("""
                {"model_type": "llama", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1,
                 "num_attention_heads": 2, "vocab_size": 64}""");
        RandomCheckpoint.write(config, DType.BF16, 5, 0.02, Long.MAX_VALUE, tmp.resolve("a"));
        RandomCheckpoint.write(config, DType.BF16, 5, 0.02, Long.MAX_VALUE, tmp.resolve("b"));
        RandomCheckpoint.write(config, DType.BF16, 6, 0.02, Long.MAX_VALUE, tmp.resolve("c"));
        byte[] a = Files.readAllBytes(tmp.resolve("a/model.safetensors"));
        assertTrue(java.util.Arrays.equals(a, Files.readAllBytes(tmp.resolve("b/model.safetensors"))));
        assertTrue(!java.util.Arrays.equals(a, Files.readAllBytes(tmp.resolve("c/model.safetensors"))));
    }

    private static void assertMatchesReference(Path dir, Path tmp) throws Exception {
        JsonNode ref = PythonReference.run(dir, SEQUENCES, 0, tmp);
        try (LlamaModel model = LlamaModel.load(dir, Device.cpu());
                NDManager out = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (int s = 0; s < SEQUENCES.size(); s++) {
                TokenBatch batch = TokenBatch.of(SEQUENCES.get(s));
                NDArray logits = model.logits(batch, out);
                for (int p = 0; p < SEQUENCES.get(s).length; p++) {
                    Closeness.assertClose(dir.getFileName() + " logits seq " + s + " pos " + p,
                            logits.get(0, p).toFloatArray(), ref.get("logits").get(s).get(p), 1e-4);
                }
                int sequence = s;
                model.forwardResidual(batch, (l, x, b) -> {
                    Closeness.assertClose(dir.getFileName() + " x^(" + l + ") seq " + sequence,
                            b.lastTokens(x).toFloatArray(), ref.get("hidden_last_token").get(sequence).get(l), 1e-4);
                    return true;
                });
            }
        }
    }

    private static ObjectNode config(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }
}
