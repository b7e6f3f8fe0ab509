package org.layerprune.core.similarity;

import java.util.Arrays;

/**
 * The outcome of probing a model: for every block size n = 1..L-1 and start l = 0..L-n, the mean score of
 * removing layers l..l+n-1 (for the distances, d(x^(l), x^(l+n)) averaged over the calibration samples),
 * and l*(n), the start with the smallest score (ties: the smallest l).
 *
 * @param metric    the metric's name, e.g. "angular-last-token"
 * @param layers    L
 * @param samples   calibration sequences
 * @param tokens    real tokens in them
 * @param distances {@code distances[n - 1][l]}, a row of L - n + 1 scores per block size n
 * @param modelHash the probed checkpoint's content hash, so a prune can check it cuts the same model
 */
public record ProbeResult(String metric, int layers, int samples, long tokens, double[][] distances,
        String modelHash) {

    public ProbeResult {
        if (layers < 2) {
            throw new IllegalArgumentException("probing needs at least 2 layers, got " + layers);
        }
        if (distances.length != layers - 1) {
            throw new IllegalArgumentException("expected " + (layers - 1) + " block sizes, got " + distances.length);
        }
        double[][] copy = new double[distances.length][];
        for (int n = 1; n < layers; n++) {
            if (distances[n - 1].length != layers - n + 1) {
                throw new IllegalArgumentException("block size " + n + ": expected " + (layers - n + 1)
                        + " starts, got " + distances[n - 1].length);
            }
            copy[n - 1] = distances[n - 1].clone();
        }
        distances = copy;
    }

    /** The mean score of the block of {@code n} layers starting at layer {@code l}. */
    public double distance(int n, int l) {
        return distances[n - 1][l];
    }

    /** The scores of every start for block size {@code n}, l = 0..L-n. */
    public double[] row(int n) {
        return distances[n - 1].clone();
    }

    /** l*(n): the start whose block of {@code n} layers scores lowest; ties go to the smallest start. */
    public int best(int n) {
        double[] row = distances[n - 1];
        int best = 0;
        for (int l = 1; l < row.length; l++) {
            if (row[l] < row[best]) {
                best = l;
            }
        }
        return best;
    }

    @Override
    public double[][] distances() {
        double[][] copy = new double[distances.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = distances[i].clone();
        }
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProbeResult p && metric.equals(p.metric) && layers == p.layers && samples == p.samples
                && tokens == p.tokens && Arrays.deepEquals(distances, p.distances) && modelHash.equals(p.modelHash);
    }

    @Override
    public int hashCode() {
        return metric.hashCode() * 31 + Arrays.deepHashCode(distances);
    }

    @Override
    public String toString() {
        return "ProbeResult[" + metric + ", L=" + layers + ", samples=" + samples + ", tokens=" + tokens + "]";
    }
}
