package org.layerprune.control.view;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.layerprune.contracts.events.EvalTaskSettings;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.events.HealProgress;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.TaskScore;
import org.layerprune.contracts.events.VariantEvaluated;
import org.layerprune.contracts.events.VariantHealed;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.contracts.events.VariantStage;

/**
 * One experiment as its events tell it: the request, the probe's distances and l*(n), one {@link VariantView} per block
 * size n (n = 0 the baseline), the failures, and the state derived from them.
 *
 * <p>{@link #apply} folds one event in. Events of one experiment come from seven topics, so they may arrive in any
 * order, and twice: every event fills its own part of the view, a repeated event changes nothing, and the state is
 * derived from the content each time, never from the order of arrival.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
public final class ExperimentView {

    private String experimentId;
    private ExperimentState state = ExperimentState.REQUESTED;
    private ExperimentRequested request;          // the first request with this id; null until it is folded
    private SimilarityProbed probe;                // the latest probe result; null until then
    private List<EvalTaskSettings> evalTasks;      // from whichever event brought them first; null until then
    private TreeMap<Integer, VariantView> variants = new TreeMap<>(); // by n, 0 = baseline
    private List<Failure> failures = new ArrayList<>();
    private Instant updated;                       // the latest event time folded in

    private ExperimentView() {
    }

    /** The view of {@code experimentId} before any event. */
    public static ExperimentView empty(String experimentId) {
        ExperimentView view = new ExperimentView();
        view.experimentId = experimentId;
        return view;
    }

    /**
     * Folds {@code event} into this view.
     *
     * @return this view
     * @throws IllegalArgumentException when the event belongs to another experiment
     */
    public ExperimentView apply(Event event) {
        if (!event.experimentId().equals(experimentId)) {
            throw new IllegalArgumentException("event of experiment " + event.experimentId() + " folded into the view"
                    + " of " + experimentId);
        }
        if (event instanceof ExperimentRequested requested) {
            if (request == null) {
                request = requested; // an id names one experiment: the first request wins
            }
            tasks(requested.evalTasks());
        } else if (event instanceof SimilarityProbed probed) {
            if (probe == null || !probed.time().isBefore(probe.time())) {
                probe = probed;
            }
            tasks(probed.evalTasks());
            for (int n : probed.blockSizes()) {
                slot(n).lStar(probed.lStar().get(n - 1));
            }
        } else if (event instanceof VariantPruned pruned) {
            VariantView variant = slot(pruned.n());
            variant.pruned(PrunedModel.of(pruned));
            variant.removedLayers(pruned.removedLayers());
            pruned.lStar().ifPresent(variant::lStar);
            tasks(pruned.evalTasks());
        } else if (event instanceof HealProgress progress) {
            slot(progress.variantId().n()).heal(HealStatus.of(progress));
        } else if (event instanceof VariantHealed healed) {
            slot(healed.n()).healed(HealedModel.of(healed));
            tasks(healed.evalTasks());
        } else if (event instanceof VariantEvaluated evaluated) {
            VariantView variant = slot(evaluated.n());
            for (TaskScore score : evaluated.results()) {
                variant.score(evaluated.stage().wireName(), score.task().wireName(), score.metric().wireName(),
                        score.value());
            }
        } else if (event instanceof StageFailed failed) {
            Failure failure = Failure.of(failed);
            if (failures.stream().noneMatch(failure::sameAs)) {
                failures.add(failure);
            }
            failed.variantId().ifPresent(id -> slot(id.n()));
        }
        if (updated == null || event.time().isAfter(updated)) {
            updated = event.time();
        }
        refresh();
        return this;
    }

    public String experimentId() {
        return experimentId;
    }

    public ExperimentState state() {
        return state;
    }

    /** The request; null until it is folded in. */
    public ExperimentRequested request() {
        return request;
    }

    /** The probe's result; null until it is folded in. */
    public SimilarityProbed probe() {
        return probe;
    }

    /** L, from the probe or a pruned variant; null until either says. */
    public Integer layers() {
        if (probe != null) {
            return probe.layers();
        }
        return variants.values().stream().filter(v -> v.pruned() != null).findFirst()
                .map(v -> v.pruned().layersAfter() + v.n()).orElse(null);
    }

    /** Every variant reported or expected, by n; n = 0 is the baseline. */
    public Collection<VariantView> variants() {
        return Collections.unmodifiableCollection(variants.values());
    }

    /** The variant of block size {@code n}; null when neither reported nor expected. */
    public VariantView variant(int n) {
        return variants.get(n);
    }

    public List<Failure> failures() {
        return Collections.unmodifiableList(failures);
    }

    /** The latest event time folded in. */
    public Instant updated() {
        return updated;
    }

    /**
     * The block sizes the experiment prunes at: the probe's resolved list, or the request's when it lists them; empty
     * while unknown (a request for "all" before the probe knows L).
     */
    public List<Integer> blockSizes() {
        if (probe != null) {
            return probe.blockSizes();
        }
        if (request != null && !request.blockSizes().isAll()) {
            return request.blockSizes().listed();
        }
        return List.of();
    }

    /** The evaluation tasks every variant runs (loss, mmlu, boolq); empty while unknown. */
    public Set<String> tasks() {
        Set<String> tasks = new TreeSet<>();
        if (evalTasks != null) {
            evalTasks.forEach(task -> tasks.add(task.task().wireName()));
        }
        return tasks;
    }

    /** Whether variant {@code n} has a score for every task at {@code stage}. */
    public boolean evaluated(int n, VariantStage stage) {
        VariantView variant = variants.get(n);
        Set<String> tasks = tasks();
        return variant != null && !tasks.isEmpty()
                && variant.scores(stage.wireName()).keySet().containsAll(tasks);
    }

    private void tasks(List<EvalTaskSettings> tasks) {
        if (evalTasks == null) {
            evalTasks = tasks;
        }
    }

    /** The variant of {@code n}, made when new. */
    private VariantView slot(int n) {
        return variants.computeIfAbsent(n, VariantView::new);
    }

    /** Derives the failures' resolution, each variant's state and the experiment's state from the content. */
    private void refresh() {
        slot(0);
        blockSizes().forEach(this::slot);
        failures.replaceAll(failure -> failure.resolved(madeGood(failure)));
        for (VariantView variant : variants.values()) {
            variant.state(variantState(variant));
        }
        state = experimentState();
    }

    private VariantState variantState(VariantView variant) {
        int n = variant.n();
        boolean evaluated = n == 0 ? evaluated(0, VariantStage.BASELINE)
                : evaluated(n, VariantStage.PRUNED) && evaluated(n, VariantStage.HEALED);
        if (evaluated) {
            return VariantState.EVALUATED;
        }
        boolean failed = failures.stream().anyMatch(f -> !f.resolved() && f.variantId() != null
                && VariantId.parse(f.variantId()).n() == n);
        if (failed) {
            return VariantState.FAILED;
        }
        if (variant.healed() != null) {
            return VariantState.HEALED;
        }
        if (variant.heal() != null) {
            return VariantState.HEALING;
        }
        return variant.pruned() != null ? VariantState.PRUNED : VariantState.PENDING;
    }

    private ExperimentState experimentState() {
        List<Integer> sizes = blockSizes();
        boolean done = !sizes.isEmpty() && evaluated(0, VariantStage.BASELINE) && sizes.stream()
                .allMatch(n -> evaluated(n, VariantStage.PRUNED) && evaluated(n, VariantStage.HEALED));
        if (done) {
            return ExperimentState.DONE;
        }
        if (failures.stream().anyMatch(f -> !f.resolved())) {
            return ExperimentState.FAILED;
        }
        if (probe == null && request == null && variants.values().stream().allMatch(v -> v.pruned() == null)) {
            return ExperimentState.REQUESTED;
        }
        if (probe == null && request != null && variants.values().stream().allMatch(v -> v.pruned() == null)) {
            return ExperimentState.PROBING;
        }
        boolean pruned = !sizes.isEmpty() && slot(0).pruned() != null
                && sizes.stream().allMatch(n -> variants.get(n).pruned() != null);
        if (!pruned) {
            return ExperimentState.PRUNING;
        }
        return sizes.stream().allMatch(n -> variants.get(n).healed() != null) ? ExperimentState.EVALUATING
                : ExperimentState.HEALING;
    }

    /** Whether a later event did what {@code failure} says failed. */
    private boolean madeGood(Failure failure) {
        PipelineStage stage = PipelineStage.valueOf(failure.stage().toUpperCase(Locale.ROOT));
        if (stage == PipelineStage.PROBE) {
            return probe != null;
        }
        VariantId variantId = failure.variantId() == null ? null : VariantId.parse(failure.variantId());
        List<Integer> sizes = variantId == null ? allSizes() : List.of(variantId.n());
        VariantStage evaluatedStage = variantId == null ? null : variantId.stage();
        return !sizes.isEmpty() && sizes.stream().allMatch(n -> {
            VariantView variant = variants.get(n);
            return switch (stage) {
                case PRUNE -> variant != null && variant.pruned() != null;
                case HEAL -> n == 0 || (variant != null && variant.healed() != null); // the baseline is never healed
                case EVAL -> evaluatedStage != null ? evaluated(n, evaluatedStage)
                        : n == 0 ? evaluated(0, VariantStage.BASELINE)
                        : evaluated(n, VariantStage.PRUNED) && evaluated(n, VariantStage.HEALED);
                default -> false; // control's own failures stay until someone looks
            };
        });
    }

    /** 0 and every block size. */
    private List<Integer> allSizes() {
        List<Integer> sizes = new ArrayList<>();
        sizes.add(0);
        sizes.addAll(blockSizes());
        return blockSizes().isEmpty() ? List.of() : sizes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExperimentView other && Objects.equals(experimentId, other.experimentId)
                && Arrays.equals(ViewJson.write(this), ViewJson.write(other));
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(experimentId);
    }
}
