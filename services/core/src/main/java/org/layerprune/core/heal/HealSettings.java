package org.layerprune.core.heal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.layerprune.core.heal.LoraTrainer.Quantization;
import org.layerprune.core.model.LlamaConfig;

/**
 * Everything that decides what a healing run computes: two runs with equal settings on the same model and data
 * produce the same adapter, and a run only resumes from a checkpoint written under equal settings.
 *
 * @param lora             rank, alpha, dropout and target modules
 * @param quantization     how training sees the frozen base
 * @param steps            optimizer updates in all ({@code max_steps})
 * @param batchSize        rows per update (the global batch)
 * @param microBatchSize   rows per forward/backward; {@code batchSize} must be a multiple of it (gradient
 *                         accumulation over {@code batchSize / microBatchSize} micro-batches)
 * @param seqLen           tokens per packed training row
 * @param learningRate     peak rate of the cosine schedule
 * @param warmupSteps      linear warmup updates
 * @param seed             data order, A's initialisation and the dropout masks
 * @param evalEvery        updates between validation losses; 0 evaluates only before and after
 * @param checkpointEvery  updates between resumable checkpoints; 0 checkpoints only at the end
 * @param evalBatchSize    rows per validation forward
 */
public record HealSettings(LoraConfig lora, Quantization quantization, int steps, int batchSize, int microBatchSize,
        int seqLen, double learningRate, int warmupSteps, long seed, int evalEvery, int checkpointEvery,
        int evalBatchSize) {

    public HealSettings {
        Objects.requireNonNull(lora, "lora");
        Objects.requireNonNull(quantization, "quantization");
        requireAtLeast("steps", steps, 1);
        requireAtLeast("batch size", batchSize, 1);
        requireAtLeast("micro-batch size", microBatchSize, 1);
        requireAtLeast("sequence length", seqLen, 2);
        requireAtLeast("warmup steps", warmupSteps, 0);
        requireAtLeast("eval interval", evalEvery, 0);
        requireAtLeast("checkpoint interval", checkpointEvery, 0);
        requireAtLeast("eval batch size", evalBatchSize, 1);
        if (batchSize % microBatchSize != 0) {
            throw new IllegalArgumentException("batch size " + batchSize + " is not a multiple of the micro-batch size "
                    + microBatchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, not " + learningRate);
        }
    }

    /** Micro-batches per update. */
    public int accumulation() {
        return batchSize / microBatchSize;
    }

    /** The schedule these settings train with. */
    public LearningRateSchedule schedule() {
        return new LearningRateSchedule(learningRate, warmupSteps, steps);
    }

    /**
     * These settings as a model of {@code config} runs them: the sequence length cut to its
     * {@code max_position_embeddings} when longer. Training rows and validation sequences both use this length.
     */
    public HealSettings forModel(LlamaConfig config) {
        int length = Math.min(seqLen, config.maxPositionEmbeddings());
        return length == seqLen ? this : new HealSettings(lora, quantization, steps, batchSize, microBatchSize, length,
                learningRate, warmupSteps, seed, evalEvery, checkpointEvery, evalBatchSize);
    }

    /**
     * The settings as JSON, snake_case as in the heal result. A checkpoint holds this object, and a resumed run
     * compares it with its own, field by field.
     */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("rank", lora.rank());
        json.put("alpha", lora.alpha());
        json.put("dropout", lora.dropout());
        lora.targetModules().forEach(json.putArray("targets")::add);
        json.put("quant", quantization.flag());
        json.put("steps", steps);
        json.put("batch_size", batchSize);
        json.put("micro_batch_size", microBatchSize);
        json.put("seq_len", seqLen);
        json.put("lr", learningRate);
        json.put("warmup_steps", warmupSteps);
        json.put("seed", seed);
        json.put("eval_every", evalEvery);
        json.put("checkpoint_every", checkpointEvery);
        json.put("eval_batch_size", evalBatchSize);
        return json;
    }

    private static void requireAtLeast(String what, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", not " + value);
        }
    }
}
