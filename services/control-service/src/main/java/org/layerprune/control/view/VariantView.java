package org.layerprune.control.view;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One block size n of an experiment, n = 0 being the baseline: its pruned checkpoint, healing, healed checkpoint and
 * scores. Mutable; only {@link ExperimentView} changes it.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
public final class VariantView {

    private int n;
    private Integer lStar;                  // first removed layer; null for the baseline and until known
    private List<Integer> removedLayers;    // l*..l*+n-1; null until pruned
    private VariantState state = VariantState.PENDING;
    private PrunedModel pruned;             // null until variants.pruned
    private HealStatus heal;                // the latest heal.progress; null until then
    private HealedModel healed;             // null until variants.healed
    // stage (baseline | pruned | healed) -> task -> metric -> value
    private TreeMap<String, TreeMap<String, TreeMap<String, Double>>> scores = new TreeMap<>();

    private VariantView() {
    }

    VariantView(int n) {
        this.n = n;
    }

    public int n() {
        return n;
    }

    /** l*(n), the first removed layer; null for the baseline, and until the probe or the prune says. */
    public Integer lStar() {
        return lStar;
    }

    public List<Integer> removedLayers() {
        return removedLayers;
    }

    public VariantState state() {
        return state;
    }

    public PrunedModel pruned() {
        return pruned;
    }

    public HealStatus heal() {
        return heal;
    }

    public HealedModel healed() {
        return healed;
    }

    /** stage (baseline, pruned, healed) to task (loss, mmlu, boolq) to metric to value. */
    public Map<String, TreeMap<String, TreeMap<String, Double>>> scores() {
        return scores;
    }

    /** The scores of {@code stage}, task to metric to value; empty when not evaluated. */
    public Map<String, TreeMap<String, Double>> scores(String stage) {
        return scores.getOrDefault(stage, new TreeMap<>());
    }

    void lStar(Integer value) {
        lStar = value;
    }

    void removedLayers(List<Integer> value) {
        removedLayers = List.copyOf(value);
    }

    void pruned(PrunedModel value) {
        pruned = value;
    }

    void heal(HealStatus value) {
        if (heal == null || value.newerThan(heal)) {
            heal = value;
        }
    }

    void healed(HealedModel value) {
        healed = value;
    }

    void score(String stage, String task, String metric, double value) {
        scores.computeIfAbsent(stage, s -> new TreeMap<>()).computeIfAbsent(task, t -> new TreeMap<>())
                .put(metric, value);
    }

    void state(VariantState value) {
        state = value;
    }
}
