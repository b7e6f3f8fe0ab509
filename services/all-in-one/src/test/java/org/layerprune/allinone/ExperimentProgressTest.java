package org.layerprune.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.artifact.ArtifactRef;
import org.layerprune.contracts.events.ErrorCode;
import org.layerprune.contracts.events.EvalTaskName;
import org.layerprune.contracts.events.EvalTaskSettings;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.HealSettings;
import org.layerprune.contracts.events.LoraTarget;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.ProbeMetric;
import org.layerprune.contracts.events.PruneStrategy;
import org.layerprune.contracts.events.Quantization;
import org.layerprune.contracts.events.ScoreMetric;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.TaskScore;
import org.layerprune.contracts.events.VariantEvaluated;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.contracts.events.VariantStage;

/** The curve of a three-layer model (block sizes 1 and 2) from its events. */
class ExperimentProgressTest {

    private static final String ID = "exp-1";
    private static final String HASH = "a".repeat(64);
    private static final ArtifactRef EVAL = ArtifactRef.of("data/eval.jsonl");
    private static final List<EvalTaskSettings> TASKS = List.of(EvalTaskSettings.of(EvalTaskName.LOSS, EVAL));
    private static final HealSettings HEAL = new HealSettings(EVAL, EVAL, 10, 1, 3e-3, 8, 8.0, 0.05,
            Quantization.NF4, List.of(LoraTarget.GATE_PROJ), 8, 128, 0, 5);

    @Test
    void isCompleteOnceTheBaselineAndEveryVariantOfItsExperimentAreScored() {
        ExperimentProgress progress = new ExperimentProgress(ID);

        List.of(probed(), pruned(0), pruned(1), pruned(2), evaluated(ID, 0, VariantStage.BASELINE, 3.0),
                evaluated(ID, 1, VariantStage.PRUNED, 5.0), evaluated(ID, 2, VariantStage.PRUNED, 7.0),
                evaluated("other", 2, VariantStage.HEALED, 0.5), evaluated(ID, 1, VariantStage.HEALED, 4.0))
                .forEach(progress::apply);
        assertFalse(progress.complete(), "another experiment's evaluation counted");

        progress.apply(evaluated(ID, 2, VariantStage.HEALED, 6.0));
        assertTrue(progress.complete());
    }

    @Test
    void isCompleteOnlyOnceEveryHealedVariantIsScored() {
        ExperimentProgress progress = new ExperimentProgress(ID);

        List.of(probed(), evaluated(ID, 0, VariantStage.BASELINE, 3.0), evaluated(ID, 1, VariantStage.PRUNED, 5.0),
                evaluated(ID, 2, VariantStage.PRUNED, 7.0), evaluated(ID, 1, VariantStage.HEALED, 4.0))
                .forEach(progress::apply);

        assertFalse(progress.complete());
    }

    @Test
    void saysWhatHappenedAndKeepsFailures() {
        ExperimentProgress progress = new ExperimentProgress(ID);

        Optional<String> pruned = progress.apply(pruned(2));
        Optional<String> failed = progress.apply(new StageFailed(Event.SCHEMA_VERSION, ID,
                Optional.of(VariantId.pruned(ID, 2).healed()), Instant.now(), PipelineStage.HEAL,
                ErrorCode.OUT_OF_MEMORY, "out of memory", true));
        Optional<String> other = progress.apply(evaluated("other", 0, VariantStage.BASELINE, 1.0));

        assertEquals(Optional.of("pruned     n=2: layers [0, 1] removed, 1 left, 1,000 parameters (0.2 s)"), pruned);
        assertEquals(Optional.of("FAILED     heal exp-1-n2-healed: OUT_OF_MEMORY (retriable): out of memory"), failed);
        assertEquals(Optional.empty(), other);
        assertEquals(1, progress.failures().size());
    }

    private static SimilarityProbed probed() {
        return new SimilarityProbed(Event.SCHEMA_VERSION, ID, Instant.now(), ArtifactRef.of("models/tiny"), HASH, 3,
                ProbeMetric.DEFAULT, List.of(List.of(0.3, 0.1, 0.5), List.of(0.2, 0.4)), List.of(1, 0), 4, 100,
                List.of(1, 2), PruneStrategy.SIMILARITY, 0.5, HEAL, TASKS);
    }

    private static VariantPruned pruned(int n) {
        VariantId id = n == 0 ? VariantId.baseline(ID) : VariantId.pruned(ID, n);
        OptionalInt lStar = n == 0 ? OptionalInt.empty() : OptionalInt.of(n == 1 ? 1 : 0);
        List<Integer> removed = n == 0 ? List.of() : n == 1 ? List.of(1) : List.of(0, 1);
        return new VariantPruned(Event.SCHEMA_VERSION, ID, id, Instant.now(), n, lStar,
                PruneStrategy.SIMILARITY, removed, 3, 3 - n, ArtifactRef.of("models/tiny"), HASH, HASH, 1000, 0.2, HEAL,
                TASKS);
    }

    private static VariantEvaluated evaluated(String experimentId, int n, VariantStage stage, double loss) {
        VariantId id = switch (stage) {
            case BASELINE -> VariantId.baseline(experimentId);
            case PRUNED -> VariantId.pruned(experimentId, n);
            case HEALED -> VariantId.pruned(experimentId, n).healed();
        };
        return new VariantEvaluated(Event.SCHEMA_VERSION, experimentId, id, Instant.now(), stage, n, HASH,
                List.of(new TaskScore(EvalTaskName.LOSS, ScoreMetric.PERPLEXITY, Math.exp(loss), 16),
                        new TaskScore(EvalTaskName.LOSS, ScoreMetric.LOSS, loss, 16)), 0.1);
    }
}
