package org.layerprune.core.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
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
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        double nll = 0;
        long tokens = 0;
        for (int from = 0; from < sequences.size(); from += batchSize) {
            Cancellation.check(cancelled, "loss evaluation");
            List<int[]> rows = new ArrayList<>(sequences.subList(from, Math.min(sequences.size(), from + batchSize)));
            for (float[] row : model.nextTokenLogProbs(TokenBatch.of(rows))) {
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
        return new LossResult(nll / tokens, tokens, sequences.size(), model.config().vocabSize());
    }
}
