package org.layerprune.core.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerprune.core.model.LlamaConfig;

class PrunedConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode config(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void setsNumHiddenLayersAndKeepsEveryOtherKeyValueAndItsPlace() throws Exception {
        ObjectNode source = config("""
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64,
                 "intermediate_size": 128, "num_hidden_layers": 8, "num_attention_heads": 4, "vocab_size": 100,
                 "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                  "high_freq_factor": 4.0, "original_max_position_embeddings": 8192},
                 "rms_norm_eps": 1e-05, "torch_dtype": "bfloat16", "eos_token_id": [1, 2], "custom": null,
                 "transformers_version": "4.44.0"}""");
        ObjectNode pruned = PrunedConfig.cut(source, new BlockSelection(2, 3));

        assertEquals(fieldNames(source), fieldNames(pruned));
        assertEquals(5, pruned.get("num_hidden_layers").intValue());
        ObjectNode restored = pruned.deepCopy().put("num_hidden_layers", 8);
        assertEquals(source, restored);
        assertEquals(8, source.get("num_hidden_layers").intValue(), "the source tree is not modified");
    }

    @Test
    void cutsLayerTypesAndNoRopeLayersLikeTheLayersThemselves() throws Exception {
        ObjectNode source = config("""
                {"model_type": "qwen2", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 6,
                 "num_attention_heads": 2, "vocab_size": 50, "sliding_window": 16, "use_sliding_window": true,
                 "layer_types": ["full_attention", "sliding_attention", "full_attention", "sliding_attention",
                                 "sliding_attention", "full_attention"],
                 "no_rope_layers": [1, 1, 0, 1, 0, 1], "max_window_layers": 1}""");
        ObjectNode pruned = PrunedConfig.cut(source, new BlockSelection(1, 2));

        assertEquals(List.of("full_attention", "sliding_attention", "sliding_attention", "full_attention"),
                texts(pruned.get("layer_types")));
        assertEquals("[1,1,0,1]", pruned.get("no_rope_layers").toString());
        assertEquals(fieldNames(source), fieldNames(pruned));
        assertEquals(List.of(0, 16, 16, 0), LlamaConfig.parse(pruned).slidingWindows());
    }

    @Test
    void reexpressesQwen2MaxWindowLayersSoThatTheKeptLayersSlideAsBefore() throws Exception {
        int layers = 8;
        for (int maxWindowLayers = 0; maxWindowLayers <= layers + 2; maxWindowLayers++) {
            ObjectNode source = config("""
                    {"model_type": "qwen2", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 8,
                     "num_attention_heads": 2, "vocab_size": 50, "use_sliding_window": true, "sliding_window": 4,
                     "max_window_layers": %d}""".formatted(maxWindowLayers));
            List<Integer> windows = LlamaConfig.parse(source).slidingWindows();
            for (int count = 1; count < layers; count++) {
                for (int start = 0; start + count <= layers; start++) {
                    BlockSelection block = new BlockSelection(start, count);
                    ObjectNode pruned = PrunedConfig.cut(source, block);
                    List<Integer> expected = new ArrayList<>(windows);
                    expected.subList(start, start + count).clear();
                    assertEquals(expected, LlamaConfig.parse(pruned).slidingWindows(),
                            "max_window_layers " + maxWindowLayers + ", " + block);
                }
            }
        }
        ObjectNode source = config("""
                {"model_type": "qwen2", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 8,
                 "num_attention_heads": 2, "vocab_size": 50, "use_sliding_window": true, "sliding_window": 4,
                 "max_window_layers": 5}""");
        assertEquals(3, PrunedConfig.cut(source, new BlockSelection(1, 2)).get("max_window_layers").intValue());
        assertEquals(5, PrunedConfig.cut(source, new BlockSelection(5, 2)).get("max_window_layers").intValue());
        assertEquals(2, PrunedConfig.cut(source, new BlockSelection(2, 4)).get("max_window_layers").intValue());
    }

    @Test
    void addsMaxWindowLayersWhenASlidingQwen2ConfigReliedOnTheDefaultThatNoLongerFits() throws Exception {
        ObjectNode source = config("""
                {"model_type": "qwen2", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 32,
                 "num_attention_heads": 2, "vocab_size": 50, "use_sliding_window": true, "sliding_window": 4}""");
        ObjectNode early = PrunedConfig.cut(source, new BlockSelection(10, 4));
        assertEquals(24, early.get("max_window_layers").intValue());
        assertEquals(List.of(0, 0, 0, 0, 4, 4, 4, 4), LlamaConfig.parse(early).slidingWindows().subList(20, 28));
        ObjectNode late = PrunedConfig.cut(source, new BlockSelection(28, 3));
        assertFalse(late.has("max_window_layers"), "the default of 28 still says the same");

        ObjectNode notSliding = config("""
                {"model_type": "qwen2", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 32,
                 "num_attention_heads": 2, "vocab_size": 50}""");
        assertEquals(fieldNames(notSliding), fieldNames(PrunedConfig.cut(notSliding, new BlockSelection(10, 4))));
    }

    @Test
    void refusesAPerLayerListThatDoesNotHoldOneEntryPerLayer() throws Exception {
        ObjectNode source = config("""
                {"model_type": "llama", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 4,
                 "num_attention_heads": 2, "vocab_size": 50, "no_rope_layers": [3]}""");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PrunedConfig.cut(source, new BlockSelection(1, 1)));
        assertTrue(e.getMessage().contains("\"no_rope_layers\" should list one entry per layer (4), got 1 entries"),
                e.getMessage());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
