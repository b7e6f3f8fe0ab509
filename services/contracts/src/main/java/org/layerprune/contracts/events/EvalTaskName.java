package org.layerprune.contracts.events;

import com.fasterxml.jackson.annotation.JsonValue;

/** The evaluations the paper reports. */
public enum EvalTaskName {
    /** Validation loss, perplexity and loss / ln V. */
    LOSS("loss"),
    /** MMLU accuracy, 5-shot by default. */
    MMLU("mmlu"),
    /** BoolQ accuracy, 0-shot by default. */
    BOOLQ("boolq");

    private final String wireName;

    EvalTaskName(String wireName) {
        this.wireName = wireName;
    }

    /** The name in events. */
    @JsonValue
    public String wireName() {
        return wireName;
    }
}
