package org.layerprune.core.similarity;

import java.util.Random;

/** Probe results made up to look like the paper's: far apart early and at the last layer, close in the deep middle. */
final class SyntheticProbes {

    private SyntheticProbes() {
    }

    /**
     * A result for {@code layers} layers. Layer k turns the residual stream by a step that is large for the first
     * layers, small from about half depth on, and large again for the last layer; a block's distance grows with the
     * sum of its steps, plus a little seeded noise, so l*(n) sits deep for small n and moves earlier as n grows.
     */
    static ProbeResult paperLike(int layers) {
        double[] step = new double[layers]; // [L], the turn of layer k
        for (int k = 0; k < layers; k++) {
            double depth = (double) k / (layers - 1);
            step[k] = 0.03 + 0.45 * Math.exp(-depth * 6) + (k == layers - 1 ? 0.6 : 0);
        }
        Random noise = new Random(20240326L);
        double[][] distances = new double[layers - 1][]; // [n - 1][l]
        for (int n = 1; n < layers; n++) {
            distances[n - 1] = new double[layers - n + 1];
            for (int l = 0; l <= layers - n; l++) {
                double turn = 0;
                for (int k = l; k < l + n; k++) {
                    turn += step[k];
                }
                distances[n - 1][l] = (1 - Math.exp(-turn)) * (1 + 0.02 * noise.nextGaussian());
            }
        }
        return new ProbeResult("angular-last-token", layers, 256, 256L * 1024, distances,
                "3f2a9c1b0e7d44aa91c2e6f0b8d3a7c5e1f9b2d4c6a8e0f1a3b5c7d9e2f4a6b8");
    }

    /** The distances spelled out for L = 5: row n = 1 has 5 starts, n = 4 has 2. */
    static ProbeResult fiveLayers() {
        return new ProbeResult("angular-last-token", 5, 8, 1000, new double[][] {
            {0.41, 0.22, 0.13, 0.17, 0.52}, // n = 1, l* = 2
            {0.50, 0.31, 0.29, 0.60},       // n = 2, l* = 2
            {0.58, 0.44, 0.66},             // n = 3, l* = 1
            {0.70, 0.70},                   // n = 4, a tie: l* = 0
        }, "abc123");
    }
}
