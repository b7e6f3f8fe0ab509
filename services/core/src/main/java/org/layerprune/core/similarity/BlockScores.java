package org.layerprune.core.similarity;

/**
 * Running sums of a score for every block (n, l) of an L-layer model, n = 1..L-1, l = 0..L-n, in double
 * precision so that thousands of samples add up without loss.
 */
final class BlockScores {

    private final int layers;
    private final double[][] sums; // [n - 1][l]

    BlockScores(int layers) {
        this.layers = layers;
        this.sums = new double[layers - 1][];
        for (int n = 1; n < layers; n++) {
            sums[n - 1] = new double[layers - n + 1];
        }
    }

    int layers() {
        return layers;
    }

    /** Adds {@code value} to the block from boundary {@code from} to boundary {@code to} (n = to - from). */
    void add(int from, int to, double value) {
        int n = to - from;
        if (n >= 1 && n < layers) {
            sums[n - 1][from] += value;
        }
    }

    /** Adds {@code value} to block (n, l). */
    void addBlock(int n, int l, double value) {
        sums[n - 1][l] += value;
    }

    /** The sums divided by {@code count}: means over the samples or tokens that were added. */
    double[][] means(double count) {
        double[][] means = new double[sums.length][];
        for (int i = 0; i < sums.length; i++) {
            means[i] = new double[sums[i].length];
            for (int l = 0; l < sums[i].length; l++) {
                means[i][l] = sums[i][l] / count;
            }
        }
        return means;
    }
}
