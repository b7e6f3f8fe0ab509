package org.layerprune.control.view;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where an experiment stands, as its events tell it. The pipeline runs its stages concurrently (a pruned variant is
 * evaluated while another heals), so the state names the earliest stage with work left.
 */
public enum ExperimentState {
    /** Submitted: what {@code POST /experiments} answers, before the request's event is folded into a view. */
    REQUESTED,
    /** The request is known and the probe has not reported: no event tells a queued probe from a running one. */
    PROBING,
    /** The probe reported; the baseline or some block size has no pruned checkpoint yet. */
    PRUNING,
    /** Every variant is pruned; some pruned variant has no healed checkpoint yet. */
    HEALING,
    /** Every variant is pruned and healed; some evaluation is missing. */
    EVALUATING,
    /** Every expected variant has all its evaluations: the baseline, and each n pruned and healed, on every task. */
    DONE,
    /** A stage failed and no later event made good what it failed to do. */
    FAILED;

    /** The name in JSON: lower case. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
