package org.layerprune.control.view;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.layerprune.contracts.events.VariantStage;

/**
 * The paper's pruning curves of one experiment (Gromov et al. 2024, figures 1 and 4): for the baseline (n = 0) and
 * each block size n, the fraction of layers dropped n / L, l*(n), and every task's scores before and after healing.
 * At n = 0 both are the baseline's scores: nothing was removed, so there was nothing to heal, and both curves start
 * there.
 *
 * @param experimentId the experiment
 * @param layers L; null until the probe or a pruned variant says
 * @param points by n, ascending
 */
public record PruningCurve(String experimentId, Integer layers, List<Point> points) {

    /**
     * One block size.
     *
     * @param n layers removed
     * @param fraction n / L; null while L is unknown
     * @param lStar the first removed layer; null for n = 0 and while unknown
     * @param pruned task to metric to value of the pruned model (n = 0: the baseline); empty until evaluated
     * @param healed the same after healing (n = 0: the baseline)
     */
    public record Point(int n, Double fraction, Integer lStar, Map<String, TreeMap<String, Double>> pruned,
            Map<String, TreeMap<String, Double>> healed) {
    }

    /** The curve of {@code view}, a point for every variant reported or expected. */
    public static PruningCurve of(ExperimentView view) {
        Integer layers = view.layers();
        List<Point> points = new ArrayList<>();
        for (VariantView variant : view.variants()) {
            int n = variant.n();
            Double fraction = layers == null ? null : (double) n / layers;
            Map<String, TreeMap<String, Double>> pruned = variant.scores(n == 0 ? VariantStage.BASELINE.wireName()
                    : VariantStage.PRUNED.wireName());
            Map<String, TreeMap<String, Double>> healed = n == 0 ? pruned
                    : variant.scores(VariantStage.HEALED.wireName());
            points.add(new Point(n, fraction, n == 0 ? null : variant.lStar(), pruned, healed));
        }
        return new PruningCurve(view.experimentId(), layers, List.copyOf(points));
    }
}
