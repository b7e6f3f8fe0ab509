package org.layerprune.control;

/** The topics the control service reads, as the testkit's resource wants them. */
public final class ControlTopics {

    /** Every event topic: Kafka Streams waits for them all. */
    public static final String ALL = "experiments.requested,similarity.probed,variants.pruned,heal.progress,"
            + "variants.healed,variants.evaluated,stage.failed";

    private ControlTopics() {
    }
}
