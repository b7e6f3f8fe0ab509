package org.layerprune.core.similarity;

/**
 * The loss-based score, as SLEB uses: the mean next-token cross-entropy (nats per predicted real token) of
 * the calibration data under the model with layers l..l+n-1 removed. It needs a forward pass of the whole
 * model per block, (L-1)(L+2)/2 passes in all, so it is the slow metric and only computed when asked.
 */
public enum RemovalLoss implements BlockMetric {
    INSTANCE;

    @Override
    public String metricName() {
        return "loss";
    }
}
