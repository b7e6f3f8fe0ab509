package org.layerprune.contracts.events;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The score of removing a block of layers, lowest first; the names of core's {@code BlockMetric}s. Only the paper's
 * metric is a default; the others are options.
 */
public enum ProbeMetric {
    /** arccos of the cosine of the last token's states before and after the block, over pi: the paper's. */
    ANGULAR_LAST_TOKEN("angular-last-token"),
    /** The same angle averaged over every token. */
    ANGULAR_ALL_TOKENS("angular-all-tokens"),
    /** ShortGPT's Block Influence, 1 - cosine, over every token. */
    BLOCK_INFLUENCE("block-influence"),
    /** |x^(l+n) - x^(l)| / |x^(l+n)| over every token. */
    RELATIVE_MAGNITUDE("relative-magnitude"),
    /** Euclidean distance of the last token's states. */
    L2_LAST_TOKEN("l2-last-token"),
    /** The model's loss with the block removed. */
    LOSS("loss");

    /** The paper's metric. */
    public static final ProbeMetric DEFAULT = ANGULAR_LAST_TOKEN;

    private final String wireName;

    ProbeMetric(String wireName) {
        this.wireName = wireName;
    }

    /** The name in events and on core's command line. */
    @JsonValue
    public String wireName() {
        return wireName;
    }
}
