package org.layerprune.core.similarity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each metric's formula on vectors whose answer is known by hand. */
class PairMetricTest {

    private static double score(PairMetric metric, double[] a, double[] b) {
        return metric.score(dot(a, a), dot(b, b), dot(a, b));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void angularDistanceIsZeroForParallelHalfForOrthogonalOneForOpposite() {
        for (PairMetric angular : new PairMetric[] {PairMetric.ANGULAR_LAST_TOKEN, PairMetric.ANGULAR_ALL_TOKENS}) {
            assertEquals(0.0, score(angular, new double[] {1, 2}, new double[] {2, 4}), 1e-8);
            assertEquals(0.5, score(angular, new double[] {1, 0}, new double[] {0, 3}), 1e-12);
            assertEquals(1.0, score(angular, new double[] {1, 1}, new double[] {-2, -2}), 1e-8);
            assertEquals(0.25, score(angular, new double[] {1, 0}, new double[] {1, 1}), 1e-12, "45 degrees");
        }
    }

    @Test
    void angularDistanceClampsACosineThatRoundingPushedAboveOne() {
        double d = PairMetric.ANGULAR_LAST_TOKEN.score(1.0, 1.0, 1.0 + 1e-12);
        assertFalse(Double.isNaN(d));
        assertEquals(0.0, d);
    }

    @Test
    void blockInfluenceIsOneMinusCosine() {
        assertEquals(0.0, score(PairMetric.BLOCK_INFLUENCE, new double[] {3, 4}, new double[] {6, 8}), 1e-12);
        assertEquals(1.0, score(PairMetric.BLOCK_INFLUENCE, new double[] {1, 0}, new double[] {0, 1}), 1e-12);
        assertEquals(2.0, score(PairMetric.BLOCK_INFLUENCE, new double[] {1, 0}, new double[] {-1, 0}), 1e-12);
        assertEquals(1 - Math.sqrt(0.5), score(PairMetric.BLOCK_INFLUENCE, new double[] {1, 0}, new double[] {1, 1}),
                1e-12);
    }

    @Test
    void relativeMagnitudeIsTheUpdateOverTheOutput() {
        // a = (1, 0), b = a + f = (1, 1): |f| = 1, |b| = sqrt 2
        assertEquals(1 / Math.sqrt(2), score(PairMetric.RELATIVE_MAGNITUDE, new double[] {1, 0}, new double[] {1, 1}),
                1e-12);
        assertEquals(0.0, score(PairMetric.RELATIVE_MAGNITUDE, new double[] {2, 5}, new double[] {2, 5}), 1e-12);
        // doubling the stream: |f| = |a|, |b| = 2 |a|
        assertEquals(0.5, score(PairMetric.RELATIVE_MAGNITUDE, new double[] {3, 4}, new double[] {6, 8}), 1e-12);
    }

    @Test
    void l2DistanceIsEuclidean() {
        assertEquals(5.0, score(PairMetric.L2_LAST_TOKEN, new double[] {1, 1}, new double[] {4, 5}), 1e-12);
        assertEquals(0.0, score(PairMetric.L2_LAST_TOKEN, new double[] {1, 1}, new double[] {1, 1}), 1e-12);
    }

    @Test
    void onlyTheLastTokenMetricsLookAtTheLastTokenAlone() {
        assertTrue(PairMetric.ANGULAR_LAST_TOKEN.lastTokenOnly());
        assertTrue(PairMetric.L2_LAST_TOKEN.lastTokenOnly());
        assertFalse(PairMetric.ANGULAR_ALL_TOKENS.lastTokenOnly());
        assertFalse(PairMetric.BLOCK_INFLUENCE.lastTokenOnly());
        assertFalse(PairMetric.RELATIVE_MAGNITUDE.lastTokenOnly());
    }

    @Test
    void metricsAreFoundByNameAndTheDefaultIsThePapers() {
        assertSame(PairMetric.ANGULAR_LAST_TOKEN, BlockMetric.DEFAULT);
        assertSame(RemovalLoss.INSTANCE, BlockMetric.byName("loss"));
        assertSame(PairMetric.BLOCK_INFLUENCE, BlockMetric.byName("block-influence"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockMetric.byName("cka"));
        assertTrue(e.getMessage().contains("\"cka\"") && e.getMessage().contains("angular-last-token"));
    }
}
