package org.layerprune.contracts.events;

import com.fasterxml.jackson.annotation.JsonValue;

/** A number an evaluation reports. */
public enum ScoreMetric {
    /** Mean token negative log-likelihood, in nats (task loss). */
    LOSS("loss"),
    /** exp(loss) (task loss). */
    PERPLEXITY("perplexity"),
    /** loss / ln V, the paper's scale (task loss). */
    NORMALIZED_LOSS("normalized_loss"),
    /** Fraction of questions answered right, in [0, 1] (mmlu, boolq). */
    ACCURACY("accuracy"),
    /** Accuracy averaged over MMLU's subjects, in [0, 1] (mmlu). */
    MACRO_ACCURACY("macro_accuracy");

    private final String wireName;

    ScoreMetric(String wireName) {
        this.wireName = wireName;
    }

    /** The name in events. */
    @JsonValue
    public String wireName() {
        return wireName;
    }
}
