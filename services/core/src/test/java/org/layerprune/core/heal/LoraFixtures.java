package org.layerprune.core.heal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.layerprune.core.model.LlamaConfig;

/** Tiny Llama configs and random LoRA factors shaped for them. */
final class LoraFixtures {

    static final int LAYERS = 3;

    private static final ObjectMapper JSON = new ObjectMapper();

    private LoraFixtures() {
    }

    /**
     * A Llama of {@link #LAYERS} layers whose projections all differ in shape: H 16, I 24, N 4 heads of D 6 (query
     * width 24), K 2 (key/value width 12).
     */
    static ObjectNode llamaConfig() {
        try {
            return (ObjectNode) JSON.readTree("""
                    {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 16,
                     "intermediate_size": 24, "num_hidden_layers": 3, "num_attention_heads": 4, "head_dim": 6,
                     "num_key_value_heads": 2, "vocab_size": 40, "rms_norm_eps": 1e-05, "rope_theta": 10000.0,
                     "bos_token_id": 1, "eos_token_id": 2, "tie_word_embeddings": false}""");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Factors for every target module of every layer of {@code config}, drawn from N(0, std). */
    static LoraWeights randomWeights(LlamaConfig config, LoraConfig lora, long seed, double std) {
        SplittableRandom random = new SplittableRandom(seed);
        List<LoraPair> pairs = new ArrayList<>();
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            for (String module : lora.targetModules()) {
                int[] outIn = shape(config, module);
                pairs.add(new LoraPair(layer, module, gaussians(random, lora.rank() * outIn[1], std),
                        gaussians(random, outIn[0] * lora.rank(), std), outIn[1], outIn[0]));
            }
        }
        return new LoraWeights(pairs);
    }

    /** [out, in] of {@code module}'s weight. */
    static int[] shape(LlamaConfig c, String module) {
        return switch (module) {
            case "q_proj" -> new int[] {c.queryWidth(), c.hiddenSize()};
            case "k_proj", "v_proj" -> new int[] {c.keyValueWidth(), c.hiddenSize()};
            case "o_proj" -> new int[] {c.hiddenSize(), c.queryWidth()};
            case "gate_proj", "up_proj" -> new int[] {c.intermediateSize(), c.hiddenSize()};
            case "down_proj" -> new int[] {c.hiddenSize(), c.intermediateSize()};
            default -> throw new IllegalArgumentException(module);
        };
    }

    static float[] gaussians(SplittableRandom random, int count, double std) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            values[i] = (float) (std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return values;
    }

    /** The names in {@code dir}, sorted, hidden ones included, so that a leftover temporary directory shows. */
    static List<String> listing(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
