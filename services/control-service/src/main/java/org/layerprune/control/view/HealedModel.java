package org.layerprune.control.view;

import java.time.Instant;
import java.util.List;
import org.layerprune.contracts.events.LossPoint;
import org.layerprune.contracts.events.VariantHealed;

/**
 * A healed checkpoint as {@code variants.healed} named it.
 *
 * @param variantId {@code <experimentId>-n<N>-healed}
 * @param adapter the PEFT adapter directory
 * @param checkpoint the merged checkpoint directory
 * @param checkpointHash its CheckpointHash
 * @param lossCurve training loss by step
 * @param evalLossBefore held-out loss of the pruned model
 * @param evalLossAfter held-out loss after healing
 * @param steps optimizer updates
 * @param tokens training tokens seen
 * @param time when the merged checkpoint was complete
 */
public record HealedModel(String variantId, String adapter, String checkpoint, String checkpointHash,
        List<LossPoint> lossCurve, double evalLossBefore, double evalLossAfter, long steps, long tokens,
        Instant time) {

    static HealedModel of(VariantHealed event) {
        return new HealedModel(event.variantId().toString(), event.adapter().path(), event.checkpoint().path(),
                event.checkpointHash(), event.lossCurve(), event.evalLossBefore(), event.evalLossAfter(),
                event.steps(), event.tokens(), event.time());
    }
}
