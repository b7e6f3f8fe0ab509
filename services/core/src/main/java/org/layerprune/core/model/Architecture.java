package org.layerprune.core.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The decoder families layerprune runs, keyed by config.json's {@code model_type}. They share one forward
 * pass; they differ in which linear layers carry biases and in the defaults transformers gives missing keys.
 */
public enum Architecture {
    LLAMA("llama", 2048),
    MISTRAL("mistral", 4096 * 32),
    QWEN2("qwen2", 32768);

    private final String modelType;
    private final int defaultMaxPositionEmbeddings;

    Architecture(String modelType, int defaultMaxPositionEmbeddings) {
        this.modelType = modelType;
        this.defaultMaxPositionEmbeddings = defaultMaxPositionEmbeddings;
    }

    /** The {@code model_type} string of config.json. */
    public String modelType() {
        return modelType;
    }

    /** transformers' default for {@code max_position_embeddings} in this family's config class. */
    int defaultMaxPositionEmbeddings() {
        return defaultMaxPositionEmbeddings;
    }

    /**
     * @throws IllegalArgumentException naming the unsupported model_type and the supported ones
     */
    public static Architecture of(String modelType) {
        for (Architecture a : values()) {
            if (a.modelType.equals(modelType)) {
                return a;
            }
        }
        String known = Arrays.stream(values()).map(Architecture::modelType).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("unsupported model_type \"" + modelType + "\" (supported: " + known + ")");
    }
}
