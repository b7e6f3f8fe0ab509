package org.layerprune.core.similarity;

import java.util.ArrayList;
import java.util.List;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.TokenBatch;

/**
 * Probes a model: scores every block of consecutive layers with a {@link BlockMetric} over calibration
 * sequences, as section 3.2 of Gromov et al. 2024 describes (with the angular distance of the last token
 * by default).
 */
public final class Probe {

    private Probe() {
    }

    /**
     * @param sequences  calibration token ids, already truncated to the maximum length
     * @param batchSize  sequences per forward pass
     * @param modelHash  the checkpoint's content hash, recorded in the result
     */
    public static ProbeResult run(LlamaModel model, List<int[]> sequences, int batchSize, BlockMetric metric,
            String modelHash, ProbeProgress progress) {
        int layers = model.config().numHiddenLayers();
        if (layers < 2) {
            throw new IllegalArgumentException("a model of " + layers + " layer has no block to remove");
        }
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("no calibration sequences to probe with");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        List<TokenBatch> batches = batches(sequences, batchSize);
        long tokens = batches.stream().mapToLong(TokenBatch::realTokens).sum();
        double[][] means = metric instanceof PairMetric pair
                ? pairMeans(model, pair, batches, progress)
                : LossProbe.means(model, batches, progress);
        return new ProbeResult(metric.metricName(), layers, sequences.size(), tokens, means, modelHash);
    }

    private static double[][] pairMeans(LlamaModel model, PairMetric metric, List<TokenBatch> batches,
            ProbeProgress progress) {
        PairProbe probe = new PairProbe(model, metric);
        int samples = batches.stream().mapToInt(TokenBatch::batchSize).sum();
        int done = 0;
        long tokens = 0;
        for (TokenBatch batch : batches) {
            probe.add(batch);
            done += batch.batchSize();
            tokens += batch.realTokens();
            progress.batchDone(done, samples, tokens, 1, 1);
        }
        return probe.means();
    }

    private static List<TokenBatch> batches(List<int[]> sequences, int batchSize) {
        List<TokenBatch> batches = new ArrayList<>();
        for (int from = 0; from < sequences.size(); from += batchSize) {
            batches.add(TokenBatch.of(sequences.subList(from, Math.min(sequences.size(), from + batchSize))));
        }
        return batches;
    }
}
