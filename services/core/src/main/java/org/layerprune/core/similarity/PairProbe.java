package org.layerprune.core.similarity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.TokenBatch;

/**
 * Scores every block (n, l) with a {@link PairMetric} from ONE forward pass per batch: the residual stream
 * is watched at every boundary x^(0)..x^(L) (no final norm, no lm_head), and the inner products between
 * boundaries give every pair (l, l+n) at once.
 *
 * <p>What is kept per batch: for a last-token metric, only each row's last real token at every boundary
 * ([L+1] x [B, H] floats, copied to the heap); for an all-token metric, every boundary's states in float64
 * ([L+1] x [B, S, H]), which is what comparing every token of every pair needs.
 *
 * <p>Legend: B batch, S sequence, H hidden, L layers.
 */
final class PairProbe {

    private final LlamaModel model;
    private final PairMetric metric;
    private final BlockScores scores;
    private long units; // sequences for a last-token metric, real tokens otherwise

    PairProbe(LlamaModel model, PairMetric metric) {
        this.model = model;
        this.metric = metric;
        this.scores = new BlockScores(model.config().numHiddenLayers());
    }

    /** Runs one batch and adds its scores. */
    void add(TokenBatch batch) {
        if (metric.lastTokenOnly()) {
            addLastTokens(batch);
        } else {
            addAllTokens(batch);
        }
    }

    /** The mean score of every block over what was added. */
    double[][] means() {
        if (units == 0) {
            throw new IllegalStateException("no samples were probed");
        }
        return scores.means(units);
    }

    private void addLastTokens(TokenBatch batch) {
        List<float[]> boundaries = new ArrayList<>(); // [L+1] x [B * H]
        model.forwardResidual(batch, (l, x, b) -> {
            boundaries.add(b.lastTokens(x).toFloatArray()); // [B, H]
            return true;
        });
        int hidden = model.config().hiddenSize();
        for (int row = 0; row < batch.batchSize(); row++) {
            double[] norms = new double[boundaries.size()];
            for (int i = 0; i < norms.length; i++) {
                norms[i] = dot(boundaries.get(i), boundaries.get(i), row * hidden, hidden);
            }
            for (int i = 0; i < norms.length; i++) {
                for (int j = i + 1; j < norms.length; j++) {
                    double ab = dot(boundaries.get(i), boundaries.get(j), row * hidden, hidden);
                    scores.add(i, j, metric.score(norms[i], norms[j], ab));
                }
            }
            units++;
        }
    }

    private void addAllTokens(TokenBatch batch) {
        try (NDManager keep = NDManager.newBaseManager(model.device(), "PyTorch")) {
            List<NDArray> history = new ArrayList<>();  // x^(0..j-1), [B, S, H] float64
            List<double[]> squares = new ArrayList<>(); // |x^(i)_t|^2, [B * S]
            model.forwardResidual(batch, (j, x, b) -> {
                NDArray current = x.toType(DataType.FLOAT64, true); // [B, S, H]
                current.attach(keep);
                double[] bb = sumLast(current.square());
                for (int i = 0; i < history.size(); i++) {
                    double[] ab = sumLast(history.get(i).mul(current));   // [B, S]
                    addRealTokens(batch, i, j, squares.get(i), bb, ab);
                }
                history.add(current);
                squares.add(bb);
                return true;
            });
        }
        units += batch.realTokens();
    }

    /** [B, S, H] -> the sums over H, [B * S], freeing the product it is given. */
    private static double[] sumLast(NDArray product) {
        try (NDArray sums = product.sum(new int[] {-1})) {
            double[] values = sums.toDoubleArray();
            product.close();
            return values;
        }
    }

    private void addRealTokens(TokenBatch batch, int from, int to, double[] aa, double[] bb, double[] ab) {
        int seq = batch.seqLen();
        for (int row = 0; row < batch.batchSize(); row++) {
            for (int t = 0; t < batch.length(row); t++) {
                int k = row * seq + t;
                scores.add(from, to, metric.score(aa[k], bb[k], ab[k]));
            }
        }
    }

    private static double dot(float[] a, float[] b, int offset, int length) {
        double sum = 0;
        for (int k = offset; k < offset + length; k++) {
            sum += (double) a[k] * b[k];
        }
        return sum;
    }
}
