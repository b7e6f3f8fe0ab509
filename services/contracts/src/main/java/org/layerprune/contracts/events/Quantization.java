package org.layerprune.contracts.events;

import com.fasterxml.jackson.annotation.JsonValue;

/** How the frozen base weights are held while a variant heals. */
public enum Quantization {
    /** QLoRA: 4-bit NormalFloat, as bitsandbytes holds them. */
    NF4("nf4"),
    /** QLoRA with double quantisation: NF4 whose block scales are themselves held in 8 bits. */
    NF4_DQ("nf4-dq"),
    /** As loaded: plain LoRA. */
    NONE("none");

    private final String wireName;

    Quantization(String wireName) {
        this.wireName = wireName;
    }

    /** The name in events. */
    @JsonValue
    public String wireName() {
        return wireName;
    }
}
