package org.layerprune.core.similarity;

import java.util.ArrayList;
import java.util.List;

/**
 * A score for removing the block of layers l..l+n-1; the block with the lowest score is the one to drop.
 * {@link PairMetric}s compare the residual stream before and after the block, x^(l) and x^(l+n), and are
 * computed for every (n, l) from one forward pass; {@link RemovalLoss} runs the model without the block.
 */
public sealed interface BlockMetric permits PairMetric, RemovalLoss {

    /** The name used on the command line and in probe files, e.g. "angular-last-token". */
    String metricName();

    /** The paper's metric, the default. */
    BlockMetric DEFAULT = PairMetric.ANGULAR_LAST_TOKEN;

    /** Every metric, the default first. */
    static List<BlockMetric> all() {
        List<BlockMetric> all = new ArrayList<>(List.of(PairMetric.values()));
        all.add(RemovalLoss.INSTANCE);
        return all;
    }

    /** @throws IllegalArgumentException naming the unknown metric and the known ones */
    static BlockMetric byName(String name) {
        for (BlockMetric m : all()) {
            if (m.metricName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric \"" + name + "\" (known: "
                + String.join(", ", all().stream().map(BlockMetric::metricName).toList()) + ")");
    }
}
