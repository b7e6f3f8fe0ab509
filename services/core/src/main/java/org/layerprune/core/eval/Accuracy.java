package org.layerprune.core.eval;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accuracy of scored questions: overall (micro: every question counts once), per group (the MMLU subject),
 * and the macro average over groups (every subject counts once, as MMLU is usually reported).
 *
 * @param perGroup accuracy of each group, groups sorted by name
 */
public record Accuracy(int questions, int correct, Map<String, Double> perGroup) {

    public Accuracy {
        perGroup = Map.copyOf(perGroup);
    }

    public static Accuracy of(List<ScoredChoice> scored) {
        Map<String, int[]> counts = new TreeMap<>(); // group -> {correct, total}
        int correct = 0;
        for (ScoredChoice s : scored) {
            int[] c = counts.computeIfAbsent(s.request().group(), g -> new int[2]);
            c[1]++;
            if (s.correct()) {
                c[0]++;
                correct++;
            }
        }
        Map<String, Double> perGroup = new TreeMap<>();
        counts.forEach((group, c) -> perGroup.put(group, (double) c[0] / c[1]));
        return new Accuracy(scored.size(), correct, perGroup);
    }

    /** Correct answers over questions. */
    public double micro() {
        return questions == 0 ? 0 : (double) correct / questions;
    }

    /** The mean of the groups' accuracies. */
    public double macro() {
        return perGroup.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    /** The groups' accuracies, sorted by group name. */
    public Map<String, Double> sortedPerGroup() {
        return new TreeMap<>(perGroup);
    }
}
