package org.layerprune.contracts.events;

import com.fasterxml.jackson.annotation.JsonValue;

/** A service of the pipeline, as named in {@code stage.failed}. */
public enum PipelineStage {
    /** Layer similarity. */
    PROBE("probe"),
    /** Pruned checkpoints. */
    PRUNE("prune"),
    /** QLoRA healing. */
    HEAL("heal"),
    /** Evaluation. */
    EVAL("eval"),
    /** The REST API and its views. */
    CONTROL("control");

    private final String wireName;

    PipelineStage(String wireName) {
        this.wireName = wireName;
    }

    /** The name in events. */
    @JsonValue
    public String wireName() {
        return wireName;
    }
}
