package org.layerprune.core.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Hugging Face {@code config.json} of a Llama-family decoder, in camelCase. Defaults for absent keys are
 * those of transformers' LlamaConfig / MistralConfig / Qwen2Config; the shape keys have no sensible default
 * and are required.
 *
 * @param architecture          {@code model_type}
 * @param hiddenSize            {@code hidden_size} (H)
 * @param intermediateSize      {@code intermediate_size} (I, the SwiGLU width)
 * @param numHiddenLayers       {@code num_hidden_layers} (L)
 * @param numAttentionHeads     {@code num_attention_heads} (N)
 * @param numKeyValueHeads      {@code num_key_value_heads} (K; default N: plain multi-head attention; 1: MQA)
 * @param headDim               {@code head_dim} (D; default H / N)
 * @param rmsNormEps            {@code rms_norm_eps} (default 1e-6)
 * @param ropeTheta             {@code rope_theta} (default 10000)
 * @param ropeScaling           {@code rope_scaling}
 * @param tieWordEmbeddings     {@code tie_word_embeddings}: lm_head reuses embed_tokens (default false)
 * @param attentionBias         biases on q/k/v/o: Llama's {@code attention_bias}; always false for Mistral
 * @param qkvBias               biases on q/k/v: Qwen2 always, otherwise {@code attentionBias}
 * @param mlpBias               {@code mlp_bias} (Llama; default false)
 * @param vocabSize             {@code vocab_size} (V)
 * @param maxPositionEmbeddings {@code max_position_embeddings}
 * @param bosTokenId            {@code bos_token_id}, when given
 * @param eosTokenIds           {@code eos_token_id}, an int or a list of ints in config.json
 * @param torchDtype            {@code torch_dtype} (or transformers 5's {@code dtype}; default "float32")
 * @param slidingWindows        per layer, the attention window in tokens, or 0 for full causal attention
 *                              (Mistral's {@code sliding_window}; Qwen2's with {@code use_sliding_window}
 *                              from {@code max_window_layers} on; or an explicit {@code layer_types})
 */
public record LlamaConfig(
        Architecture architecture,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        boolean qkvBias,
        boolean mlpBias,
        int vocabSize,
        int maxPositionEmbeddings,
        Optional<Integer> bosTokenId,
        List<Integer> eosTokenIds,
        String torchDtype,
        List<Integer> slidingWindows) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public LlamaConfig {
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("num_key_value_heads", numKeyValueHeads);
        positive("head_dim", headDim);
        positive("vocab_size", vocabSize);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numAttentionHeads
                    + ") must be a multiple of num_key_value_heads (" + numKeyValueHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be even for rotary embeddings, got " + headDim);
        }
        if (slidingWindows.size() != numHiddenLayers) {
            throw new IllegalArgumentException("one sliding window per layer expected, got " + slidingWindows.size()
                    + " for " + numHiddenLayers + " layers");
        }
        eosTokenIds = List.copyOf(eosTokenIds);
        slidingWindows = List.copyOf(slidingWindows);
    }

    /** This config with layers {@code start..start+count-1} gone: fewer layers, their windows cut out. */
    public LlamaConfig withLayersRemoved(int start, int count) {
        List<Integer> windows = new ArrayList<>(slidingWindows.subList(0, start));
        windows.addAll(slidingWindows.subList(start + count, numHiddenLayers));
        return new LlamaConfig(architecture, hiddenSize, intermediateSize, numHiddenLayers - count, numAttentionHeads,
                numKeyValueHeads, headDim, rmsNormEps, ropeTheta, ropeScaling, tieWordEmbeddings, attentionBias,
                qkvBias, mlpBias, vocabSize, maxPositionEmbeddings, bosTokenId, eosTokenIds, torchDtype, windows);
    }

    /** Query heads per key/value head (N / K); 1 without grouped-query attention. */
    public int numKeyValueGroups() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** Width of the concatenated query heads (N * D), which differs from H when head_dim is explicit. */
    public int queryWidth() {
        return numAttentionHeads * headDim;
    }

    /** Width of the concatenated key (or value) heads (K * D). */
    public int keyValueWidth() {
        return numKeyValueHeads * headDim;
    }

    /** Reads and validates {@code dir/config.json}; errors name the file and the key at fault. */
    public static LlamaConfig read(Path configFile) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(configFile));
        } catch (NoSuchFileException e) {
            throw new ConfigException(configFile, "no such file");
        } catch (JsonProcessingException e) {
            throw new ConfigException(configFile, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(configFile, "cannot read: " + e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(configFile, "expected a JSON object");
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(configFile, e.getMessage());
        }
    }

    /** Parses an already-read config.json object; errors name the key at fault. */
    public static LlamaConfig parse(JsonNode c) {
        Architecture arch = Architecture.of(requiredText(c, "model_type"));
        int hidden = requiredInt(c, "hidden_size");
        int heads = requiredInt(c, "num_attention_heads");
        int layers = requiredInt(c, "num_hidden_layers");
        if (heads > 0 && !c.hasNonNull("head_dim") && hidden % heads != 0) {
            throw new IllegalArgumentException("hidden_size (" + hidden + ") is not divisible by num_attention_heads ("
                    + heads + ") and head_dim is not given");
        }
        boolean attentionBias = arch == Architecture.LLAMA && optionalBoolean(c, "attention_bias", false);
        return new LlamaConfig(
                arch,
                hidden,
                requiredInt(c, "intermediate_size"),
                layers,
                heads,
                optionalInt(c, "num_key_value_heads", heads),
                optionalInt(c, "head_dim", heads > 0 ? hidden / heads : 0),
                optionalDouble(c, "rms_norm_eps", 1e-6),
                ropeTheta(c),
                RopeScalingParser.parse(ropeScalingNode(c)),
                optionalBoolean(c, "tie_word_embeddings", false),
                attentionBias,
                arch == Architecture.QWEN2 || attentionBias,
                arch == Architecture.LLAMA && optionalBoolean(c, "mlp_bias", false),
                requiredInt(c, "vocab_size"),
                optionalInt(c, "max_position_embeddings", arch.defaultMaxPositionEmbeddings()),
                c.hasNonNull("bos_token_id") ? Optional.of(intValue(c, "bos_token_id")) : Optional.empty(),
                eosTokenIds(c),
                dtype(c),
                slidingWindows(c, arch, layers));
    }

    // transformers 5 moves rope_theta and rope_scaling into one "rope_parameters" object.
    private static double ropeTheta(JsonNode c) {
        JsonNode params = c.get("rope_parameters");
        if (params != null && params.hasNonNull("rope_theta")) {
            return optionalDouble(params, "rope_theta", 10000.0);
        }
        return optionalDouble(c, "rope_theta", 10000.0);
    }

    private static JsonNode ropeScalingNode(JsonNode c) {
        return c.hasNonNull("rope_scaling") ? c.get("rope_scaling") : c.get("rope_parameters");
    }

    private static String dtype(JsonNode c) {
        if (c.hasNonNull("torch_dtype")) {
            return c.get("torch_dtype").asText();
        }
        return c.hasNonNull("dtype") ? c.get("dtype").asText() : "float32";
    }

    private static List<Integer> eosTokenIds(JsonNode c) {
        JsonNode eos = c.get("eos_token_id");
        List<Integer> ids = new ArrayList<>();
        if (eos == null || eos.isNull()) {
            return ids;
        }
        if (eos.isArray()) {
            for (JsonNode id : eos) {
                if (!id.canConvertToInt()) {
                    throw new IllegalArgumentException("eos_token_id must hold integers, got " + id);
                }
                ids.add(id.intValue());
            }
        } else {
            ids.add(intValue(c, "eos_token_id"));
        }
        return ids;
    }

    /**
     * Resolves which layers attend within a window, as transformers does: an explicit {@code layer_types}
     * list wins; Mistral applies {@code sliding_window} to every layer; Qwen2 only with
     * {@code use_sliding_window}, and then only from layer {@code max_window_layers} on.
     */
    private static List<Integer> slidingWindows(JsonNode c, Architecture arch, int layers) {
        // An absent key takes the config class's default of 4096; an explicit null means no window.
        int window = !c.has("sliding_window") && arch != Architecture.LLAMA ? 4096
                : c.hasNonNull("sliding_window") ? intValue(c, "sliding_window") : 0;
        boolean qwenUses = arch == Architecture.QWEN2 && optionalBoolean(c, "use_sliding_window", false);
        int firstWindowed = arch == Architecture.QWEN2 ? optionalInt(c, "max_window_layers", 28) : 0;
        JsonNode types = c.get("layer_types");
        if (types != null && !types.isNull() && (!types.isArray() || types.size() != layers)) {
            throw new IllegalArgumentException("layer_types must be a list of " + layers + " entries");
        }
        List<Integer> windows = new ArrayList<>(layers);
        for (int i = 0; i < layers; i++) {
            boolean sliding;
            if (types != null && !types.isNull()) {
                String type = types.get(i).asText();
                if (!type.equals("sliding_attention") && !type.equals("full_attention")) {
                    throw new IllegalArgumentException("layer_types[" + i + "]: unknown attention type \"" + type + "\"");
                }
                sliding = type.equals("sliding_attention");
            } else {
                sliding = arch == Architecture.MISTRAL || (qwenUses && i >= firstWindowed);
            }
            if (sliding && window <= 0 && types != null && !types.isNull()) {
                throw new IllegalArgumentException("layer_types[" + i + "] is sliding_attention but sliding_window is not set");
            }
            windows.add(sliding ? window : 0);
        }
        return windows;
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + value);
        }
    }

    private static String requiredText(JsonNode c, String key) {
        if (!c.hasNonNull(key)) {
            throw new IllegalArgumentException("missing required key \"" + key + "\"");
        }
        return c.get(key).asText();
    }

    static int requiredInt(JsonNode c, String key) {
        if (!c.hasNonNull(key)) {
            throw new IllegalArgumentException("missing required key \"" + key + "\"");
        }
        return intValue(c, key);
    }

    static int optionalInt(JsonNode c, String key, int fallback) {
        return c.hasNonNull(key) ? intValue(c, key) : fallback;
    }

    private static int intValue(JsonNode c, String key) {
        JsonNode v = c.get(key);
        if (!v.canConvertToInt() || (v.isFloatingPointNumber() && v.doubleValue() != Math.rint(v.doubleValue()))) {
            throw new IllegalArgumentException("\"" + key + "\" must be an integer, got " + v);
        }
        return v.intValue();
    }

    static double optionalDouble(JsonNode c, String key, double fallback) {
        if (!c.hasNonNull(key)) {
            return fallback;
        }
        JsonNode v = c.get(key);
        if (!v.isNumber()) {
            throw new IllegalArgumentException("\"" + key + "\" must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static boolean optionalBoolean(JsonNode c, String key, boolean fallback) {
        if (!c.hasNonNull(key)) {
            return fallback;
        }
        JsonNode v = c.get(key);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("\"" + key + "\" must be true or false, got " + v);
        }
        return v.booleanValue();
    }
}
