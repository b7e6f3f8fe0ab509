package org.layerprune.control.view;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How far one block size n (or the baseline, n = 0) has come. */
public enum VariantState {
    /** Expected, nothing reported yet. */
    PENDING,
    /** Its pruned checkpoint (for n = 0: the baseline's event) is there. */
    PRUNED,
    /** Healing has reported progress. */
    HEALING,
    /** Its healed checkpoint is there. */
    HEALED,
    /** Every evaluation it needs is there: for n = 0 the baseline's, otherwise the pruned and the healed model's. */
    EVALUATED,
    /** A stage failed on it and nothing made that good since. */
    FAILED;

    /** The name in JSON: lower case. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
