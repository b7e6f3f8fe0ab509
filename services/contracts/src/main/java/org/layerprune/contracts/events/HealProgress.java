package org.layerprune.contracts.events;

import java.time.Instant;
import java.util.OptionalDouble;

/**
 * Sent every few steps while a pruned variant heals, so that the dashboard can follow hours of training.
 *
 * @param schemaVersion {@link Event#SCHEMA_VERSION}
 * @param experimentId the experiment
 * @param variantId the healed variant being made, {@code <experimentId>-n<N>-healed}; the key
 * @param sourceVariantId the pruned variant being healed
 * @param time when the step finished
 * @param step optimizer updates done, 1..totalSteps
 * @param totalSteps the run's updates
 * @param loss the last step's training loss, nats
 * @param learningRate the rate the last step used
 * @param tokensPerSecond training throughput since the previous progress event
 * @param evalLoss held-out loss, when measured at this step
 */
public record HealProgress(int schemaVersion, String experimentId, VariantId variantId, VariantId sourceVariantId,
        Instant time, long step, long totalSteps, double loss, double learningRate, double tokensPerSecond,
        OptionalDouble evalLoss) implements Event {

    /** Topic heal.progress, keyed by variant. */
    public static final EventType<HealProgress> TYPE =
            new EventType<>("heal.progress", HealProgress.class, "variantId");

    public HealProgress {
        Fields.schemaVersion(schemaVersion);
        ExperimentIds.require(experimentId, "experimentId");
        Fields.healedFrom(variantId, sourceVariantId, experimentId);
        Fields.required(time, "time");
        if (step < 1 || step > totalSteps) {
            throw new InvalidEventException("step", step + " is not in 1.." + totalSteps + " (totalSteps)");
        }
        Fields.required(evalLoss, "evalLoss");
    }

    @Override
    public String key() {
        return variantId.toString();
    }

    @Override
    public EventType<HealProgress> type() {
        return TYPE;
    }
}
