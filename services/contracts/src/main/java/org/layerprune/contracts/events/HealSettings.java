package org.layerprune.contracts.events;

import java.util.List;
import org.layerprune.contracts.artifact.ArtifactRef;

/**
 * QLoRA healing of each pruned variant, the names of PEFT's and transformers' settings in camelCase. The paper heals
 * with 5000 steps, 100 warmup steps, peak lr 3e-4 on a cosine schedule, rank 64 (alpha = rank), dropout 0.05, NF4,
 * the MLP projections, a global batch of 16 and sequences of 2048 tokens.
 *
 * @param data training sequences, JSON Lines of {@code input_ids}
 * @param evalData held-out sequences for the loss before, during and after healing
 * @param steps optimizer updates, at least 1
 * @param warmupSteps linear warmup before the cosine decay
 * @param learningRate the peak rate, in (0, 1]
 * @param rank LoRA {@code r}
 * @param alpha LoRA {@code alpha}; the update is scaled by alpha / r
 * @param dropout LoRA dropout, in [0, 1)
 * @param quant how the frozen base is held
 * @param targets the projections adapted in every layer, none twice
 * @param batchSize sequences per optimizer update (the global batch; workers may accumulate micro-batches)
 * @param sequenceLength tokens per packed training sequence
 * @param seed seeds data order and dropout
 * @param checkpointEvery steps between resumable checkpoints: the work lost when a worker dies
 */
public record HealSettings(ArtifactRef data, ArtifactRef evalData, int steps, int warmupSteps, double learningRate,
        int rank, double alpha, double dropout, Quantization quant, List<LoraTarget> targets, int batchSize,
        int sequenceLength, long seed, int checkpointEvery) {

    public HealSettings {
        Fields.required(data, "data");
        Fields.required(evalData, "evalData");
        Fields.required(quant, "quant");
        targets = Fields.requiredList(targets, "targets");
        if (targets.isEmpty()) {
            throw new InvalidEventException("targets", "is empty: nothing would be adapted");
        }
        if (targets.stream().distinct().count() != targets.size()) {
            throw new InvalidEventException("targets", "names a projection twice: " + targets);
        }
    }
}
