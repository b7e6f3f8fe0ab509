package org.layerprune.contracts.events;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a pruned variant's block is chosen. */
public enum PruneStrategy {
    /** The block l*(n) with the smallest score: the paper's method. */
    SIMILARITY("similarity"),
    /** The paper's baseline: the deepest n layers before the last one. */
    SIMPLE("simple");

    private final String wireName;

    PruneStrategy(String wireName) {
        this.wireName = wireName;
    }

    /** The name in events. */
    @JsonValue
    public String wireName() {
        return wireName;
    }
}
