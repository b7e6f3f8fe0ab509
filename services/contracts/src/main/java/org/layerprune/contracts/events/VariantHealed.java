package org.layerprune.contracts.events;

import java.time.Instant;
import java.util.List;
import org.layerprune.contracts.artifact.ArtifactRef;

/**
 * A pruned variant after QLoRA healing: its adapter, and the adapter merged into the pruned checkpoint so that
 * evaluation (and any other tool) loads a plain checkpoint.
 *
 * @param schemaVersion {@link Event#SCHEMA_VERSION}
 * @param experimentId the experiment
 * @param variantId {@code <experimentId>-n<N>-healed}; the key
 * @param sourceVariantId the pruned variant that was healed
 * @param time when the merged checkpoint was complete
 * @param n layers removed
 * @param adapter the adapter directory in PEFT's layout
 * @param checkpoint the merged checkpoint directory
 * @param checkpointHash its CheckpointHash
 * @param lossCurve training loss by step, ascending in step
 * @param evalLossBefore held-out loss of the pruned variant
 * @param evalLossAfter held-out loss after healing
 * @param steps optimizer updates
 * @param tokens training tokens seen
 * @param seconds the healing's compute time, over every worker that held it
 * @param evalTasks carried from the request
 */
public record VariantHealed(int schemaVersion, String experimentId, VariantId variantId, VariantId sourceVariantId,
        Instant time, int n, ArtifactRef adapter, ArtifactRef checkpoint, String checkpointHash,
        List<LossPoint> lossCurve, double evalLossBefore, double evalLossAfter, long steps, long tokens,
        double seconds, List<EvalTaskSettings> evalTasks) implements Event {

    /** Topic variants.healed, keyed by variant. */
    public static final EventType<VariantHealed> TYPE =
            new EventType<>("variants.healed", VariantHealed.class, "variantId");

    public VariantHealed {
        Fields.schemaVersion(schemaVersion);
        ExperimentIds.require(experimentId, "experimentId");
        Fields.healedFrom(variantId, sourceVariantId, experimentId);
        Fields.required(time, "time");
        Fields.sameBlockSize(n, variantId);
        Fields.required(adapter, "adapter");
        Fields.required(checkpoint, "checkpoint");
        Fields.sha256(checkpointHash, "checkpointHash");
        lossCurve = Fields.requiredList(lossCurve, "lossCurve");
        checkAscending(lossCurve);
        evalTasks = Fields.evalTasks(evalTasks);
    }

    @Override
    public String key() {
        return variantId.toString();
    }

    @Override
    public EventType<VariantHealed> type() {
        return TYPE;
    }

    private static void checkAscending(List<LossPoint> curve) {
        if (curve.isEmpty()) {
            throw new InvalidEventException("lossCurve", "is empty; it has at least the last step");
        }
        for (int i = 1; i < curve.size(); i++) {
            if (curve.get(i).step() <= curve.get(i - 1).step()) {
                throw new InvalidEventException("lossCurve[" + i + "].step", curve.get(i).step() + " does not follow "
                        + curve.get(i - 1).step());
            }
        }
    }
}
