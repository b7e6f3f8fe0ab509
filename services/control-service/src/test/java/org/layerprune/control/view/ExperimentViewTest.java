package org.layerprune.control.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerprune.control.ExperimentEvents.baseline;
import static org.layerprune.control.ExperimentEvents.evaluated;
import static org.layerprune.control.ExperimentEvents.failed;
import static org.layerprune.control.ExperimentEvents.finished;
import static org.layerprune.control.ExperimentEvents.healed;
import static org.layerprune.control.ExperimentEvents.probed;
import static org.layerprune.control.ExperimentEvents.progress;
import static org.layerprune.control.ExperimentEvents.pruned;
import static org.layerprune.control.ExperimentEvents.requested;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.ArtifactModel;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.HealProgress;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.VariantEvaluated;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.events.VariantStage;
import org.layerprune.control.ExperimentEvents;

class ExperimentViewTest {

    private static final String ID = "fold";

    private static ExperimentView fold(List<? extends Event> events) {
        ExperimentView view = ExperimentView.empty(events.get(0).experimentId());
        events.forEach(view::apply);
        return view;
    }

    @Test
    void foldsTheSchemaExamplesOfOneExperiment() {
        List<Event> events = ExperimentEvents.stories260kExamples("heal-out-of-memory");

        ExperimentView view = fold(events);

        assertEquals("stories260k-demo", view.experimentId());
        assertEquals("models/stories260K", ((ArtifactModel) view.request().model()).ref().path());
        assertEquals(5, view.layers());
        assertEquals(List.of(1, 2, 3, 4), view.blockSizes());
        assertEquals(List.of(0, 1, 2, 3, 4), view.variants().stream().map(VariantView::n).toList());
        VariantView two = view.variant(2);
        assertEquals(2, two.lStar());
        assertEquals(List.of(2, 3), two.removedLayers());
        assertEquals("experiments/stories260k-demo/variants/stories260k-demo-n2-pruned", two.pruned().checkpoint());
        assertEquals(169152, two.pruned().parameters());
        assertEquals(10, two.heal().step(), "the later of the two progress reports");
        assertEquals(3.0127, two.scores("healed").get("loss").get("loss"));
        assertFalse(two.healed().lossCurve().isEmpty());
        assertEquals(VariantState.HEALED, two.state(), "healed, its pruned model not yet evaluated");
        assertTrue(view.evaluated(0, VariantStage.BASELINE));
        assertEquals(VariantState.EVALUATED, view.variant(0).state());
        assertEquals(1, view.failures().size());
        assertEquals("OUT_OF_MEMORY", view.failures().get(0).code());
        assertEquals(VariantState.FAILED, view.variant(3).state());
        assertEquals(ExperimentState.FAILED, view.state());
    }

    @Test
    void statesFollowThePipeline() {
        ExperimentView view = ExperimentView.empty(ID);
        assertEquals(ExperimentState.REQUESTED, view.state());
        assertEquals(ExperimentState.PROBING, view.apply(requested(ID, 1, 2)).state());
        assertEquals(ExperimentState.PRUNING, view.apply(probed(ID, 1, 2)).state());
        view.apply(baseline(ID)).apply(pruned(ID, 1));
        assertEquals(ExperimentState.PRUNING, view.state(), "n = 2 is not pruned yet");
        assertEquals(ExperimentState.HEALING, view.apply(pruned(ID, 2)).state());
        assertEquals(VariantState.HEALING, view.apply(progress(ID, 1, 2)).variant(1).state());
        view.apply(healed(ID, 1)).apply(healed(ID, 2));
        assertEquals(ExperimentState.EVALUATING, view.state());
        view.apply(evaluated(ID, 0, VariantStage.BASELINE)).apply(evaluated(ID, 1, VariantStage.PRUNED))
                .apply(evaluated(ID, 1, VariantStage.HEALED)).apply(evaluated(ID, 2, VariantStage.PRUNED));
        assertEquals(ExperimentState.EVALUATING, view.state(), "n = 2 healed is not evaluated yet");
        assertEquals(VariantState.EVALUATED, view.variant(1).state());
        assertEquals(VariantState.HEALED, view.variant(2).state());
        assertEquals(ExperimentState.DONE, view.apply(evaluated(ID, 2, VariantStage.HEALED)).state());
    }

    @Test
    void isDoneOnlyWhenEveryExpectedVariantHasEveryEvaluation() {
        List<Event> events = new ArrayList<>(finished(ID, 1, 3));
        assertEquals(ExperimentState.DONE, fold(events).state());

        events.removeIf(e -> e instanceof VariantEvaluated v && v.n() == 0);
        ExperimentView withoutBaseline = fold(events);
        assertEquals(ExperimentState.EVALUATING, withoutBaseline.state());
        assertEquals(VariantState.PRUNED, withoutBaseline.variant(0).state());
    }

    @Test
    void eventsInAnyOrderAndDeliveredTwiceGiveTheSameView() {
        List<Event> events = finished(ID, 1, 2, 4);
        ExperimentView inOrder = fold(events);
        List<Event> shuffled = new ArrayList<>(events);
        shuffled.addAll(events);
        Collections.shuffle(shuffled, new Random(7));

        ExperimentView view = fold(shuffled);

        assertEquals(ExperimentState.DONE, view.state());
        assertEquals(new String(ViewJson.write(inOrder)), new String(ViewJson.write(view)));
    }

    @Test
    void aFailureFailsTheExperimentUntilALaterEventMakesItGood() {
        VariantId two = VariantId.pruned(ID, 2);
        ExperimentView view = ExperimentView.empty(ID).apply(requested(ID, 2)).apply(probed(ID, 2))
                .apply(baseline(ID)).apply(pruned(ID, 2));
        StageFailed outOfMemory = failed(ID, two, PipelineStage.HEAL, true);

        view.apply(outOfMemory).apply(outOfMemory);

        assertEquals(ExperimentState.FAILED, view.state());
        assertEquals(VariantState.FAILED, view.variant(2).state());
        assertEquals(1, view.failures().size(), "a redelivered failure is kept once");
        assertFalse(view.failures().get(0).resolved());

        view.apply(healed(ID, 2)); // a retry healed it after all

        assertTrue(view.failures().get(0).resolved());
        assertEquals(VariantState.HEALED, view.variant(2).state());
        assertEquals(ExperimentState.EVALUATING, view.state());
    }

    @Test
    void aFailedProbeFailsTheExperiment() {
        ExperimentView view = ExperimentView.empty(ID).apply(requested(ID, 2))
                .apply(failed(ID, null, PipelineStage.PROBE, false));

        assertEquals(ExperimentState.FAILED, view.state());
        assertNull(view.failures().get(0).variantId());
    }

    @Test
    void keepsTheLatestHealProgressWhateverOrderItCameIn() {
        Instant now = Instant.now();
        HealProgress early = progress(ID, 2, 4, now);
        HealProgress resumed = progress(ID, 2, 2, now.plusSeconds(1)); // a worker resumed from an earlier checkpoint
        ExperimentView view = ExperimentView.empty(ID).apply(resumed).apply(early);

        assertEquals(2, view.variant(2).heal().step());
        assertEquals(resumed.tokensPerSecond(), view.variant(2).heal().tokensPerSecond());
        assertEquals(resumed.loss(), view.variant(2).heal().loss());
        assertEquals(resumed.learningRate(), view.variant(2).heal().learningRate());
        assertEquals(4, view.variant(2).heal().totalSteps());
    }

    @Test
    void variantEventsBeforeTheRequestAreKept() {
        ExperimentView view = ExperimentView.empty(ID).apply(pruned(ID, 3)).apply(evaluated(ID, 3,
                VariantStage.PRUNED));

        assertEquals(5, view.layers(), "L from the pruned variant: 2 layers left after 3 removed");
        assertEquals(ExperimentState.PRUNING, view.state());
        assertEquals(2.0 + 1.5, view.variant(3).scores("pruned").get("loss").get("loss"));
        assertNull(view.request());
        view.apply(requested(ID, 3));
        assertEquals(List.of(3), view.blockSizes());
    }

    @Test
    void readsBackFromItsJson() {
        ExperimentView view = fold(finished(ID, 1, 2));
        view.apply(failed(ID, VariantId.pruned(ID, 1), PipelineStage.EVAL, true));

        ExperimentView read = ViewJson.read(ViewJson.write(view));

        assertEquals(view, read);
        assertEquals(ExperimentState.DONE, read.state());
        assertEquals(view.request(), read.request());
        assertEquals(view.probe(), read.probe());
        assertTrue(read.failures().get(0).resolved(), "the pruned n = 1 was evaluated");
    }

    @Test
    void refusesAnotherExperimentsEvent() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExperimentView.empty(ID).apply(pruned("other", 1)));
        assertTrue(e.getMessage().contains("other"), e.getMessage());
    }
}
