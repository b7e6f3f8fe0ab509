package org.layerprune.core.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.TokenBatch;

/** Mean next-token cross-entropy over every predicted real token of a set of sequences. */
public final class LossEvaluation {

    private LossEvaluation() {
    }

    /**
     * @param sequences token ids, already truncated to the model's context
     * @param cancelled checked before each batch
     * @throws java.util.concurrent.CancellationException when cancelled
     */
    public static LossResult run(LlamaModel model, List<int[]> sequences, int batchSize, EvalProgress progress,
            BooleanSupplier cancelled) {
        return run(model::nextTokenLogProbs, model.config().vocabSize(), sequences, batchSize, progress, cancelled);
    }

    /**
     * The loss of any scorer with {@link LlamaModel#nextTokenLogProbs(TokenBatch)}'s contract, such as a model with
     * LoRA adapters in memory.
     *
     * @param logProbs  for each row of a batch, log p(id[t+1] | id[0..t]) for t = 0..length - 2
     * @param vocabSize for {@link LossResult#normalizedLoss()}
     */
    public static LossResult run(Function<TokenBatch, float[][]> logProbs, int vocabSize, List<int[]> sequences,
            int batchSize, EvalProgress progress, BooleanSupplier cancelled) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        double nll = 0;
        long tokens = 0;
        for (int from = 0; from < sequences.size(); from += batchSize) {
            Cancellation.check(cancelled, "loss evaluation");
            List<int[]> rows = new ArrayList<>(sequences.subList(from, Math.min(sequences.size(), from + batchSize)));
            for (float[] row : logProbs.apply(TokenBatch.of(rows))) {
                for (float logProb : row) {
                    nll -= logProb; // summed in double: thousands of tokens lose nothing
                }
                tokens += row.length;
            }
            progress.batchDone(Math.min(sequences.size(), from + batchSize), sequences.size());
        }
        if (tokens == 0) {
            throw new IllegalArgumentException("no token to predict: every sequence has fewer than 2 tokens");
        }
        return new LossResult(nll / tokens, tokens, sequences.size(), vocabSize);
    }
}
