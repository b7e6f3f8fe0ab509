package org.layerprune.core.similarity;

import java.util.List;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.TokenBatch;

/**
 * Scores every block (n, l) by the mean next-token loss of the calibration data under the model with that
 * block removed ({@link RemovalLoss}): one full pass over the data per block.
 */
final class LossProbe {

    private LossProbe() {
    }

    /**
     * @param batches the calibration data, batched
     * @return the mean loss per block, {@code [n - 1][l]}
     */
    static double[][] means(LlamaModel model, List<TokenBatch> batches, ProbeProgress progress) {
        int layers = model.config().numHiddenLayers();
        int samples = batches.stream().mapToInt(TokenBatch::batchSize).sum();
        int passes = (layers - 1) * (layers + 2) / 2;
        BlockScores scores = new BlockScores(layers);
        long predicted = 0;
        long tokens = 0;
        int pass = 0;
        for (int n = 1; n < layers; n++) {
            for (int l = 0; l + n <= layers; l++) {
                pass++;
                predicted = 0;
                int done = 0;
                try (LlamaModel pruned = model.withLayersRemoved(l, n)) {
                    for (TokenBatch batch : batches) {
                        for (float[] row : pruned.nextTokenLogProbs(batch)) {
                            for (float logProb : row) {
                                scores.addBlock(n, l, -logProb);
                            }
                            predicted += row.length;
                        }
                        done += batch.batchSize();
                        tokens += batch.realTokens();
                        progress.batchDone(done, samples, tokens, pass, passes);
                    }
                }
            }
        }
        if (predicted == 0) {
            throw new IllegalArgumentException("the loss metric needs sequences of at least 2 tokens");
        }
        return scores.means(predicted);
    }
}
