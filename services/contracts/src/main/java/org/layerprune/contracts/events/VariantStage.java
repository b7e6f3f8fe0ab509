package org.layerprune.contracts.events;

import com.fasterxml.jackson.annotation.JsonValue;

/** Which model a variant is: the source, the source with a block removed, or that after healing. */
public enum VariantStage {
    /** The unpruned model, n = 0. */
    BASELINE("baseline"),
    /** n layers removed. */
    PRUNED("pruned"),
    /** n layers removed, then healed. */
    HEALED("healed");

    private final String wireName;

    VariantStage(String wireName) {
        this.wireName = wireName;
    }

    /** The name in events. */
    @JsonValue
    public String wireName() {
        return wireName;
    }
}
