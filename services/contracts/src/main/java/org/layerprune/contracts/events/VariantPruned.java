package org.layerprune.contracts.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.layerprune.contracts.artifact.ArtifactRef;

/**
 * One checkpoint with n layers removed or, with n = 0, the baseline: the unpruned model itself, so that it is
 * evaluated too (its {@code checkpoint} is the source model's directory).
 *
 * @param schemaVersion {@link Event#SCHEMA_VERSION}
 * @param experimentId the experiment
 * @param variantId {@code <experimentId>-n<N>-pruned}, or {@code -n0-baseline}; the key
 * @param time when the checkpoint was complete
 * @param n layers removed
 * @param lStar the first removed layer; empty (written as null) for the baseline
 * @param strategy how the block was chosen
 * @param removedLayers l*..l*+n-1 in the source's numbering; empty for the baseline
 * @param layersBefore L
 * @param layersAfter L - n
 * @param checkpoint the checkpoint directory
 * @param checkpointHash its CheckpointHash
 * @param modelHash the source model's CheckpointHash
 * @param parameters the checkpoint's parameters, a tied lm_head counted once
 * @param seconds the prune's compute time
 * @param heal carried from the request
 * @param evalTasks carried from the request
 */
public record VariantPruned(int schemaVersion, String experimentId, VariantId variantId, Instant time, int n,
        @JsonInclude(JsonInclude.Include.ALWAYS) OptionalInt lStar, PruneStrategy strategy,
        List<Integer> removedLayers, int layersBefore, int layersAfter, ArtifactRef checkpoint, String checkpointHash,
        String modelHash, long parameters, double seconds, HealSettings heal, List<EvalTaskSettings> evalTasks)
        implements Event {

    /** Topic variants.pruned, keyed by variant. */
    public static final EventType<VariantPruned> TYPE =
            new EventType<>("variants.pruned", VariantPruned.class, "variantId");

    public VariantPruned {
        Fields.schemaVersion(schemaVersion);
        ExperimentIds.require(experimentId, "experimentId");
        Fields.variant(variantId, "variantId", experimentId, VariantStage.BASELINE, VariantStage.PRUNED);
        Fields.required(time, "time");
        Fields.sameBlockSize(n, variantId);
        Fields.required(lStar, "lStar");
        Fields.required(strategy, "strategy");
        removedLayers = Fields.requiredList(removedLayers, "removedLayers");
        checkBlock(n, lStar, removedLayers);
        if (layersAfter != layersBefore - n || layersAfter < 1) {
            throw new InvalidEventException("layersAfter", "is " + layersAfter + "; " + layersBefore + " layers less "
                    + n + " removed leave " + (layersBefore - n) + ", at least 1");
        }
        Fields.required(checkpoint, "checkpoint");
        Fields.sha256(checkpointHash, "checkpointHash");
        Fields.sha256(modelHash, "modelHash");
        Fields.required(heal, "heal");
        evalTasks = Fields.evalTasks(evalTasks);
    }

    @Override
    public String key() {
        return variantId.toString();
    }

    @Override
    public EventType<VariantPruned> type() {
        return TYPE;
    }

    /** Fails unless l* is there exactly for n > 0 and the removed layers are l*..l*+n-1. */
    private static void checkBlock(int n, OptionalInt lStar, List<Integer> removedLayers) {
        if (n == 0) {
            if (lStar.isPresent()) {
                throw new InvalidEventException("lStar", "is " + lStar.getAsInt() + "; the baseline removes nothing,"
                        + " so it has none (null)");
            }
            if (!removedLayers.isEmpty()) {
                throw new InvalidEventException("removedLayers", "is " + removedLayers + "; the baseline removes"
                        + " nothing");
            }
            return;
        }
        if (lStar.isEmpty()) {
            throw new InvalidEventException("lStar", "is null but " + n + " layers were removed");
        }
        List<Integer> block = IntStream.range(lStar.getAsInt(), lStar.getAsInt() + n).boxed().toList();
        if (!removedLayers.equals(block)) {
            throw new InvalidEventException("removedLayers", "is " + removedLayers + "; removing " + n
                    + " layers from l* = " + lStar.getAsInt() + " removes " + block);
        }
    }
}
