package org.layerprune.contracts.events;

import java.time.Instant;
import java.util.Optional;

/**
 * A stage could not do its work for an event it could read. It says why and goes on; an event it cannot read goes to
 * its dead-letter topic instead.
 *
 * @param schemaVersion {@link Event#SCHEMA_VERSION}
 * @param experimentId the experiment; the key, so that an experiment's failures stay in order
 * @param variantId the variant at fault, when there is one
 * @param time when it failed
 * @param stage the stage that failed
 * @param code why, coarsely
 * @param message what failed, naming the field or file at fault
 * @param retriable whether the same event may succeed later
 */
public record StageFailed(int schemaVersion, String experimentId, Optional<VariantId> variantId, Instant time,
        PipelineStage stage, ErrorCode code, String message, boolean retriable) implements Event {

    /** Topic stage.failed, keyed by experiment. */
    public static final EventType<StageFailed> TYPE =
            new EventType<>("stage.failed", StageFailed.class, "experimentId");

    /** The longest message kept, so that a stack of causes cannot bloat a record. */
    public static final int MAX_MESSAGE_LENGTH = 4000;

    public StageFailed {
        Fields.schemaVersion(schemaVersion);
        ExperimentIds.require(experimentId, "experimentId");
        Fields.required(variantId, "variantId").ifPresent(id -> Fields.sameExperiment(experimentId, id, "variantId"));
        Fields.required(time, "time");
        Fields.required(stage, "stage");
        Fields.required(code, "code");
        Fields.required(message, "message");
        if (message.isBlank()) {
            throw new InvalidEventException("message", "is blank; say what failed");
        }
        if (message.length() > MAX_MESSAGE_LENGTH) {
            throw new InvalidEventException("message", "has " + message.length() + " characters; at most "
                    + MAX_MESSAGE_LENGTH);
        }
    }

    @Override
    public String key() {
        return experimentId;
    }

    @Override
    public EventType<StageFailed> type() {
        return TYPE;
    }
}
