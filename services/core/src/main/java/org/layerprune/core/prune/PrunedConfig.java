package org.layerprune.core.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.layerprune.core.model.Architecture;
import org.layerprune.core.model.LlamaConfig;

/**
 * The {@code config.json} of a pruned checkpoint: the source's, key for key and in the same order, with the layer
 * count and every per-layer setting cut to the layers that remain.
 *
 * <ul>
 *   <li>{@code num_hidden_layers}: L - n.
 *   <li>{@code layer_types} and {@code no_rope_layers}, lists with one entry per layer: the block's entries removed.
 *   <li>{@code max_window_layers} (Qwen2: layers with index >= it use the sliding window): the number of kept layers
 *       whose old index is below the old value. Kept layers keep their order, so exactly the layers that slid before
 *       slide after. A Qwen2 config that relies on the default of 28 with {@code use_sliding_window} gets the key
 *       added when its value changes.
 * </ul>
 *
 * <p>The result is checked before it is returned: its per-layer attention windows, as {@link LlamaConfig} resolves
 * them, must be the source's with the block's removed.
 */
final class PrunedConfig {

    /** transformers' Qwen2Config default for {@code max_window_layers}. */
    private static final int QWEN2_DEFAULT_MAX_WINDOW_LAYERS = 28;

    private PrunedConfig() {
    }

    /**
     * @param source the source's config.json, not modified
     * @throws IllegalArgumentException naming the key at fault when the source is not a config this tool runs, or
     *     has a per-layer list that does not hold one entry per layer; or when the block does not fit
     */
    static ObjectNode cut(ObjectNode source, BlockSelection block) {
        LlamaConfig before = LlamaConfig.parse(source);
        int layers = before.numHiddenLayers();
        block.checkWithin(layers);

        ObjectNode pruned = source.deepCopy();
        pruned.put("num_hidden_layers", layers - block.count());
        cutPerLayerList(pruned, "layer_types", layers, block);
        cutPerLayerList(pruned, "no_rope_layers", layers, block);
        reexpressMaxWindowLayers(pruned, before.architecture(), layers, block);

        List<Integer> expected = kept(before.slidingWindows(), block);
        List<Integer> after = LlamaConfig.parse(pruned).slidingWindows();
        if (!after.equals(expected)) {
            throw new IllegalStateException("pruned config resolves sliding windows " + after + ", expected "
                    + expected + " (the source's " + before.slidingWindows() + " without " + block + ")");
        }
        return pruned;
    }

    /** Replaces a list of one entry per layer (key order kept); absent or null lists stay as they are. */
    private static void cutPerLayerList(ObjectNode config, String key, int layers, BlockSelection block) {
        JsonNode list = config.get(key);
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray() || list.size() != layers) {
            throw new IllegalArgumentException("\"" + key + "\" should list one entry per layer (" + layers
                    + "), got " + (list.isArray() ? list.size() + " entries" : list.getNodeType())
                    + "; cannot tell which entries the removed layers had");
        }
        ArrayNode cut = config.arrayNode();
        for (int i = 0; i < layers; i++) {
            if (!block.removes(i)) {
                cut.add(list.get(i));
            }
        }
        config.set(key, cut);
    }

    private static void reexpressMaxWindowLayers(ObjectNode config, Architecture architecture, int layers,
            BlockSelection block) {
        JsonNode value = config.get("max_window_layers");
        boolean present = value != null && !value.isNull();
        if (present && !value.canConvertToInt()) {
            throw new IllegalArgumentException("\"max_window_layers\" must be an integer, got " + value);
        }
        boolean qwenSliding = architecture == Architecture.QWEN2
                && config.path("use_sliding_window").asBoolean(false);
        if (!present && !qwenSliding) {
            return;
        }
        int old = present ? value.intValue() : QWEN2_DEFAULT_MAX_WINDOW_LAYERS;
        int kept = 0;
        for (int i = 0; i < Math.min(old, layers); i++) {
            if (!block.removes(i)) {
                kept++;
            }
        }
        if (present || kept != old) {
            config.put("max_window_layers", kept);
        }
    }

    private static List<Integer> kept(List<Integer> perLayer, BlockSelection block) {
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < perLayer.size(); i++) {
            if (!block.removes(i)) {
                kept.add(perLayer.get(i));
            }
        }
        return kept;
    }
}
