package org.layerprune.allinone;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.layerprune.contracts.events.EvalTaskName;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.HealProgress;
import org.layerprune.contracts.events.ScoreMetric;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.TaskScore;
import org.layerprune.contracts.events.VariantEvaluated;
import org.layerprune.contracts.events.VariantHealed;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.contracts.events.VariantStage;

/**
 * One experiment followed through its events: a line for each stage change and heal progress, and whether every
 * variant has its score of {@link #METRIC} (the curve itself is the control service's). Plain state, no Kafka: the
 * feed hands it the experiment's events in the order they arrive.
 */
final class ExperimentProgress {

    /** The score on the curve: the validation loss. */
    static final EvalTaskName TASK = EvalTaskName.LOSS;
    static final ScoreMetric METRIC = ScoreMetric.LOSS;

    private final String experimentId;
    private Optional<SimilarityProbed> probed = Optional.empty();
    private final Map<Integer, Double> pruned = new TreeMap<>();
    private final Map<Integer, Double> healed = new TreeMap<>();
    private final List<StageFailed> failures = new ArrayList<>();

    ExperimentProgress(String experimentId) {
        this.experimentId = experimentId;
    }

    /** Takes {@code event} in; the line that tells what happened, or empty for an event of another experiment. */
    Optional<String> apply(Event event) {
        if (event instanceof SimilarityProbed p && p.experimentId().equals(experimentId)) {
            probed = Optional.of(p);
            return line("probed", String.format(Locale.ROOT, "%d layers; l*(n) for n = 1..%d: %s (%d sequences, %d"
                    + " tokens, %.1f s)", p.layers(), p.layers() - 1, p.lStar(), p.samples(), p.tokens(),
                    p.seconds()));
        }
        if (event instanceof VariantPruned p && p.experimentId().equals(experimentId)) {
            return line("pruned", p.n() == 0
                    ? String.format(Locale.ROOT, "n=0: the baseline, %d layers, %,d parameters", p.layersBefore(),
                            p.parameters())
                    : String.format(Locale.ROOT, "n=%d: layers %s removed, %d left, %,d parameters (%.1f s)", p.n(),
                            p.removedLayers(), p.layersAfter(), p.parameters(), p.seconds()));
        }
        if (event instanceof HealProgress h && h.experimentId().equals(experimentId)) {
            return line("healing", String.format(Locale.ROOT, "n=%d: update %d/%d, loss %.4f%s, %.0f tokens/s",
                    h.variantId().n(), h.step(), h.totalSteps(), h.loss(), h.evalLoss().isPresent()
                            ? String.format(Locale.ROOT, ", validation %.4f", h.evalLoss().getAsDouble()) : "",
                    h.tokensPerSecond()));
        }
        if (event instanceof VariantHealed h && h.experimentId().equals(experimentId)) {
            return line("healed", String.format(Locale.ROOT, "n=%d: validation loss %.4f -> %.4f (%d updates, %.1f s)",
                    h.n(), h.evalLossBefore(), h.evalLossAfter(), h.steps(), h.seconds()));
        }
        if (event instanceof VariantEvaluated e && e.experimentId().equals(experimentId)) {
            Optional<Double> score = e.results().stream().filter(r -> r.metric() == METRIC).map(TaskScore::value)
                    .findFirst();
            score.ifPresent(s -> {
                if (e.stage() != VariantStage.HEALED) {
                    pruned.putIfAbsent(e.n(), s); // the baseline is both ends of n = 0
                }
                if (e.stage() != VariantStage.PRUNED) {
                    healed.putIfAbsent(e.n(), s);
                }
            });
            return line("evaluated", String.format(Locale.ROOT, "n=%d %s: %s %s (%.1f s)", e.n(), e.stage().wireName(),
                    METRIC.wireName(), score.map(s -> String.format(Locale.ROOT, "%.4f", s)).orElse("-"),
                    e.seconds()));
        }
        if (event instanceof StageFailed f && f.experimentId().equals(experimentId)) {
            failures.add(f);
            return line("FAILED", f.stage().wireName() + f.variantId().map(v -> " " + v).orElse("") + ": " + f.code()
                    + (f.retriable() ? " (retriable)" : "") + ": " + f.message());
        }
        return Optional.empty();
    }

    /** Whether the baseline and every pruned and healed variant have their score. */
    boolean complete() {
        return probed.map(p -> p.blockSizes().stream().allMatch(n -> pruned.containsKey(n) && healed.containsKey(n))
                && pruned.containsKey(0)).orElse(false);
    }

    /** The failures reported so far. */
    List<StageFailed> failures() {
        return List.copyOf(failures);
    }

    private static Optional<String> line(String what, String detail) {
        return Optional.of(String.format(Locale.ROOT, "%-9s  %s", what, detail));
    }
}
