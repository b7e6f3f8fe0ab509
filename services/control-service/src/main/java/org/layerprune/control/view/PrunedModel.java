package org.layerprune.control.view;

import java.time.Instant;
import org.layerprune.contracts.events.VariantPruned;

/**
 * A pruned checkpoint (or, for n = 0, the baseline model) as {@code variants.pruned} named it.
 *
 * @param variantId {@code <experimentId>-n<N>-pruned} or {@code -n0-baseline}
 * @param checkpoint the checkpoint directory under the artifact root
 * @param checkpointHash its CheckpointHash
 * @param parameters its parameter count
 * @param layersAfter L - n
 * @param strategy how the block was chosen
 * @param time when it was complete
 */
public record PrunedModel(String variantId, String checkpoint, String checkpointHash, long parameters,
        int layersAfter, String strategy, Instant time) {

    static PrunedModel of(VariantPruned event) {
        return new PrunedModel(event.variantId().toString(), event.checkpoint().path(), event.checkpointHash(),
                event.parameters(), event.layersAfter(), event.strategy().wireName(), event.time());
    }
}
