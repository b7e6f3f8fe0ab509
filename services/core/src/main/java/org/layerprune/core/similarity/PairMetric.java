package org.layerprune.core.similarity;

/**
 * Metrics that compare a = x^(l) and b = x^(l+n), the residual stream entering and leaving a block. Each
 * is a function of the three inner products |a|^2, |b|^2 and a.b, so one Gram matrix of the boundary
 * states per token gives every (n, l) at once. Scores are averaged over sequences (last-token metrics) or
 * over every real token (all-token metrics).
 */
public enum PairMetric implements BlockMetric {

    /**
     * The paper's metric (Gromov et al. 2024, eq. 7): {@code arccos(cos(a_T, b_T)) / pi} for the last real
     * token T of each sequence, the cosine clamped to [-1, 1]; in [0, 1].
     */
    ANGULAR_LAST_TOKEN("angular-last-token", true) {
        @Override
        double score(double aa, double bb, double ab) {
            return Math.acos(cosine(aa, bb, ab)) / Math.PI;
        }
    },

    /** {@code arccos(cos(a_t, b_t)) / pi} averaged over every real token t instead of the last one. */
    ANGULAR_ALL_TOKENS("angular-all-tokens", false) {
        @Override
        double score(double aa, double bb, double ab) {
            return Math.acos(cosine(aa, bb, ab)) / Math.PI;
        }
    },

    /**
     * ShortGPT's Block Influence (Men et al. 2024): {@code 1 - cos(a_t, b_t)} averaged over every real
     * token; in [0, 2].
     */
    BLOCK_INFLUENCE("block-influence", false) {
        @Override
        double score(double aa, double bb, double ab) {
            return 1 - cosine(aa, bb, ab);
        }
    },

    /**
     * Relative magnitude {@code |f(x)| / |x + f(x)|} with x = a and the block's update f(x) = b - a, that is
     * {@code |b_t - a_t| / |b_t|}, averaged over every real token. This is the definition ShortGPT compares
     * against (after Samragh et al. 2023): the size of what the block adds relative to what leaves it, so
     * it is scale-free and a block that changes little scores near 0.
     */
    RELATIVE_MAGNITUDE("relative-magnitude", false) {
        @Override
        double score(double aa, double bb, double ab) {
            return Math.sqrt(squaredDistance(aa, bb, ab)) / Math.sqrt(bb);
        }
    },

    /** Euclidean distance of the last real token's states, {@code |b_T - a_T|}, averaged over sequences. */
    L2_LAST_TOKEN("l2-last-token", true) {
        @Override
        double score(double aa, double bb, double ab) {
            return Math.sqrt(squaredDistance(aa, bb, ab));
        }
    };

    private final String name;
    private final boolean lastTokenOnly;

    PairMetric(String name, boolean lastTokenOnly) {
        this.name = name;
        this.lastTokenOnly = lastTokenOnly;
    }

    @Override
    public String metricName() {
        return name;
    }

    /** True when only each sequence's last real token counts, false when every real token does. */
    public boolean lastTokenOnly() {
        return lastTokenOnly;
    }

    /**
     * @param aa |a|^2, a = x^(l)
     * @param bb |b|^2, b = x^(l+n)
     * @param ab a.b
     */
    abstract double score(double aa, double bb, double ab);

    /** cos(a, b) clamped to [-1, 1], so that rounding never pushes arccos out of its domain. */
    static double cosine(double aa, double bb, double ab) {
        double c = ab / Math.sqrt(aa * bb);
        return Math.max(-1.0, Math.min(1.0, c));
    }

    /** |b - a|^2, never negative despite rounding. */
    static double squaredDistance(double aa, double bb, double ab) {
        return Math.max(0.0, aa + bb - 2 * ab);
    }
}
