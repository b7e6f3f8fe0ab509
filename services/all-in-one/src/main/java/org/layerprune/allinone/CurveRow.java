package org.layerprune.allinone;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.layerprune.control.view.PruningCurve;

/**
 * One point of the pruning curve: what is left of the model after removing {@code n} of its layers.
 *
 * @param n layers removed; 0 is the unpruned baseline
 * @param fraction n / L, the fraction of layers dropped
 * @param lStar the first removed layer, l*(n); empty for the baseline
 * @param pruned the score of the pruned variant (the baseline's for n = 0); NaN while not evaluated
 * @param healed the score of the healed variant (the baseline's for n = 0: nothing to heal); NaN while not evaluated
 */
record CurveRow(int n, double fraction, OptionalInt lStar, double pruned, double healed) {

    /** The rows of the control service's {@code curve}, each with the score {@code task}/{@code metric}. */
    static List<CurveRow> of(PruningCurve curve, String task, String metric) {
        return curve.points().stream().map(p -> new CurveRow(p.n(),
                p.fraction() == null ? Double.NaN : p.fraction(),
                p.lStar() == null ? OptionalInt.empty() : OptionalInt.of(p.lStar()),
                score(p.pruned(), task, metric), score(p.healed(), task, metric))).toList();
    }

    private static double score(Map<String, TreeMap<String, Double>> scores, String task, String metric) {
        Double value = scores.getOrDefault(task, new TreeMap<>()).get(metric);
        return value == null ? Double.NaN : value;
    }
}
