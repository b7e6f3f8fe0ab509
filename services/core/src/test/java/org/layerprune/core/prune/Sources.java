package org.layerprune.core.prune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointWriter;
import org.layerprune.core.checkpoint.DType;
import org.layerprune.core.checkpoint.TensorData;
import org.layerprune.core.model.RandomCheckpoint;
import org.layerprune.core.model.TensorKeys;

/** Source checkpoints for the pruner's tests: small random Llamas written by {@link RandomCheckpoint}. */
final class Sources {

    static final int LAYERS = 6;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Sources() {
    }

    /** A Llama config of {@link #LAYERS} layers with keys in a non-alphabetical order, as real configs have. */
    static ObjectNode llamaConfig() {
        try {
            return (ObjectNode) JSON.readTree("""
                    {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 16,
                     "intermediate_size": 24, "num_hidden_layers": 6, "num_attention_heads": 2,
                     "num_key_value_heads": 1, "vocab_size": 40, "rms_norm_eps": 1e-05, "rope_theta": 10000.0,
                     "bos_token_id": 1, "eos_token_id": 2, "tie_word_embeddings": false,
                     "transformers_version": "4.44.0"}""");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A single-file random Llama of {@link #LAYERS} layers in {@code dtype} (F32 or BF16). */
    static Path llama(Path dir, DType dtype) {
        RandomCheckpoint.write(llamaConfig(), dtype, 3, 0.05, Long.MAX_VALUE, dir);
        return dir;
    }

    /**
     * The same weights in three shards, as a hub repository might cut them: embeddings and layers 0-1; layers
     * 2-3; layers 4-5, the final norm and the LM head.
     */
    static Path shardedLlama(Path dir, Path scratch) {
        Path single = llama(scratch, DType.BF16);
        try (Checkpoint checkpoint = Checkpoint.open(single)) {
            List<List<TensorData>> shards = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            checkpoint.tensors().forEach(tensor -> {
                int layer = TensorKeys.layerIndex(tensor.name());
                int shard = layer < 0 ? (tensor.name().startsWith("model.embed") ? 0 : 2) : layer / 2;
                shards.get(shard).add(new TensorData(tensor.name(), tensor.dtype(), tensor.shape(),
                        checkpoint.bytes(tensor.name())));
            });
            CheckpointWriter.to(dir).writeShards(Files.readString(checkpoint.configFile()), shards, List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** The names in {@code dir}, sorted; hidden ones included, so that a leftover temporary directory shows. */
    static List<String> listing(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
