package org.layerprune.core.model;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads {@code rope_scaling} (or transformers 5's {@code rope_parameters}) into a {@link RopeScaling}. */
final class RopeScalingParser {

    private RopeScalingParser() {
    }

    static RopeScaling parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return new RopeScaling.None();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("rope_scaling must be an object or null, got " + node);
        }
        // Older configs name the kind "type", newer ones "rope_type".
        JsonNode kind = node.hasNonNull("rope_type") ? node.get("rope_type") : node.get("type");
        String type = kind == null ? "default" : kind.asText();
        return switch (type) {
            case "default" -> new RopeScaling.None();
            case "linear" -> new RopeScaling.Linear(required(node, "factor"));
            case "llama3" -> new RopeScaling.Llama3(
                    required(node, "factor"),
                    required(node, "low_freq_factor"),
                    required(node, "high_freq_factor"),
                    LlamaConfig.requiredInt(node, "original_max_position_embeddings"));
            default -> throw new IllegalArgumentException("unsupported rope_scaling type \"" + type
                    + "\" (supported: default, linear, llama3)");
        };
    }

    private static double required(JsonNode node, String key) {
        if (!node.hasNonNull(key)) {
            throw new IllegalArgumentException("rope_scaling: missing required key \"" + key + "\"");
        }
        return LlamaConfig.optionalDouble(node, key, Double.NaN);
    }
}
