package org.layerprune.contracts.events;

import com.fasterxml.jackson.annotation.JsonValue;

/** A projection of every decoder layer that LoRA can adapt, by its Hugging Face name. */
public enum LoraTarget {
    /** Attention query. */
    Q_PROJ("q_proj"),
    /** Attention key. */
    K_PROJ("k_proj"),
    /** Attention value. */
    V_PROJ("v_proj"),
    /** Attention output. */
    O_PROJ("o_proj"),
    /** MLP gate. */
    GATE_PROJ("gate_proj"),
    /** MLP up. */
    UP_PROJ("up_proj"),
    /** MLP down. */
    DOWN_PROJ("down_proj");

    private final String wireName;

    LoraTarget(String wireName) {
        this.wireName = wireName;
    }

    /** The name in events. */
    @JsonValue
    public String wireName() {
        return wireName;
    }
}
