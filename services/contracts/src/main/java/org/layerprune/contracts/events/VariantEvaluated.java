package org.layerprune.contracts.events;

import java.time.Instant;
import java.util.List;

/**
 * The scores of one variant on every task of its experiment: one point of the pruning curves.
 *
 * @param schemaVersion {@link Event#SCHEMA_VERSION}
 * @param experimentId the experiment
 * @param variantId the variant scored; the key
 * @param time when the last task finished
 * @param stage the variant's stage, as in its id (written out for readers that do not parse ids)
 * @param n layers removed, as in its id
 * @param checkpointHash the CheckpointHash of the checkpoint scored
 * @param results one entry per (task, metric)
 * @param seconds the evaluation's compute time
 */
public record VariantEvaluated(int schemaVersion, String experimentId, VariantId variantId, Instant time,
        VariantStage stage, int n, String checkpointHash, List<TaskScore> results, double seconds) implements Event {

    /** Topic variants.evaluated, keyed by variant. */
    public static final EventType<VariantEvaluated> TYPE =
            new EventType<>("variants.evaluated", VariantEvaluated.class, "variantId");

    public VariantEvaluated {
        Fields.schemaVersion(schemaVersion);
        ExperimentIds.require(experimentId, "experimentId");
        Fields.variant(variantId, "variantId", experimentId, VariantStage.values());
        Fields.required(time, "time");
        if (stage != variantId.stage()) {
            throw new InvalidEventException("stage", "is " + (stage == null ? null : stage.wireName())
                    + " but variantId \"" + variantId + "\" is " + variantId.stage().wireName());
        }
        Fields.sameBlockSize(n, variantId);
        Fields.sha256(checkpointHash, "checkpointHash");
        results = Fields.requiredList(results, "results");
        if (results.isEmpty()) {
            throw new InvalidEventException("results", "is empty");
        }
    }

    @Override
    public String key() {
        return variantId.toString();
    }

    @Override
    public EventType<VariantEvaluated> type() {
        return TYPE;
    }
}
