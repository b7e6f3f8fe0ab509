package org.layerprune.control.view;

import java.time.Instant;
import java.util.Objects;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.VariantId;

/**
 * A {@code stage.failed} of the experiment.
 *
 * @param stage the stage that failed: probe, prune, heal, eval or control
 * @param variantId the variant at fault, or null
 * @param code why, coarsely
 * @param message what failed
 * @param retriable whether the same event may succeed later
 * @param time when it failed
 * @param resolved whether a later event made good what failed (the variant was pruned, healed or evaluated after all)
 */
public record Failure(String stage, String variantId, String code, String message, boolean retriable, Instant time,
        boolean resolved) {

    static Failure of(StageFailed event) {
        return new Failure(event.stage().wireName(), event.variantId().map(VariantId::toString).orElse(null),
                event.code().name(), event.message(), event.retriable(), event.time(), false);
    }

    Failure resolved(boolean now) {
        return now == resolved ? this : new Failure(stage, variantId, code, message, retriable, time, now);
    }

    /** The same failure, whether resolved or not: a redelivered {@code stage.failed} is kept once. */
    boolean sameAs(Failure other) {
        return stage.equals(other.stage) && Objects.equals(variantId, other.variantId)
                && code.equals(other.code) && message.equals(other.message) && time.equals(other.time);
    }
}
