package org.layerprune.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.layerprune.contracts.artifact.ArtifactRef;
import org.layerprune.contracts.events.ArtifactModel;
import org.layerprune.contracts.events.BlockSizes;
import org.layerprune.contracts.events.CalibrationSettings;
import org.layerprune.contracts.events.ErrorCode;
import org.layerprune.contracts.events.EvalTaskName;
import org.layerprune.contracts.events.EvalTaskSettings;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.events.HealProgress;
import org.layerprune.contracts.events.HealSettings;
import org.layerprune.contracts.events.HuggingFaceModel;
import org.layerprune.contracts.events.LoraTarget;
import org.layerprune.contracts.events.LossPoint;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.ProbeMetric;
import org.layerprune.contracts.events.PruneStrategy;
import org.layerprune.contracts.events.Quantization;
import org.layerprune.contracts.events.ScoreMetric;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.TaskScore;
import org.layerprune.contracts.events.VariantEvaluated;
import org.layerprune.contracts.events.VariantHealed;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.events.VariantPruned;

/**
 * Events of a whole stories260K experiment (L = 5, block sizes 1..4, a 20-step heal, the loss task) built in Java,
 * every optional field both set and left out somewhere.
 */
public final class SampleEvents {

    public static final String EXPERIMENT = "stories260k-demo";
    public static final String MODEL_HASH = "5d3c8f0a9b1e2d4c6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e";
    public static final String PRUNED_HASH = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    public static final String HEALED_HASH = "c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

    private static final Instant T0 = Instant.parse("2026-05-01T09:00:00Z");

    private SampleEvents() {
    }

    /** Every sample, at least one per event type. */
    public static List<Event> all() {
        return List.of(requested(), requestedFromHuggingFace(), probed(), baseline(), pruned(), progress(),
                progressWithoutEvalLoss(), healed(), evaluated(), failed(), failedWithoutVariant());
    }

    public static HealSettings heal() {
        return new HealSettings(ref("data/stories260K/calib.jsonl"), ref("data/stories260K/eval.jsonl"), 20, 2, 3e-4,
                8, 8.0, 0.05, Quantization.NF4, List.of(LoraTarget.GATE_PROJ, LoraTarget.UP_PROJ,
                LoraTarget.DOWN_PROJ), 4, 128, 0, 10);
    }

    public static List<EvalTaskSettings> evalTasks() {
        return List.of(new EvalTaskSettings(EvalTaskName.LOSS, ref("data/stories260K/eval.jsonl"), Optional.empty(),
                OptionalInt.empty(), OptionalInt.of(64)));
    }

    public static ExperimentRequested requested() {
        return new ExperimentRequested(Event.SCHEMA_VERSION, EXPERIMENT, T0,
                new ArtifactModel(ref("models/stories260K")),
                new CalibrationSettings(ref("data/stories260K/calib.jsonl"), 64, 256, 0), ProbeMetric.DEFAULT,
                BlockSizes.of(1, 2, 3, 4), PruneStrategy.SIMILARITY, heal(), evalTasks());
    }

    public static ExperimentRequested requestedFromHuggingFace() {
        List<EvalTaskSettings> paper = List.of(
                new EvalTaskSettings(EvalTaskName.MMLU, ref("data/mmlu/test"), Optional.of(ref("data/mmlu/dev")),
                        OptionalInt.of(5), OptionalInt.empty()),
                EvalTaskSettings.of(EvalTaskName.BOOLQ, ref("data/boolq/validation.jsonl")));
        return new ExperimentRequested(Event.SCHEMA_VERSION, "llama2-7b-paper", T0.plusMillis(250),
                new HuggingFaceModel("meta-llama/Llama-2-7b-hf", Optional.of("main")),
                new CalibrationSettings(ref("data/c4/en/validation-00000.jsonl"), 256, 1024, 0),
                ProbeMetric.BLOCK_INFLUENCE, BlockSizes.all(), PruneStrategy.SIMPLE, heal(), paper);
    }

    public static SimilarityProbed probed() {
        List<List<Double>> d = List.of(List.of(0.2112, 0.0921, 0.0734, 0.0815, 0.3518),
                List.of(0.2731, 0.1402, 0.1297, 0.4105), List.of(0.3120, 0.1874, 0.4466), List.of(0.3597, 0.4921));
        return new SimilarityProbed(Event.SCHEMA_VERSION, EXPERIMENT, T0.plusSeconds(4), ref("models/stories260K"),
                MODEL_HASH, 5, ProbeMetric.ANGULAR_LAST_TOKEN, d, List.of(2, 2, 1, 0), 64, 15872,
                List.of(1, 2, 3, 4), PruneStrategy.SIMILARITY, 3.92, heal(), evalTasks());
    }

    public static VariantPruned baseline() {
        return new VariantPruned(Event.SCHEMA_VERSION, EXPERIMENT, VariantId.baseline(EXPERIMENT), T0.plusSeconds(5),
                0, OptionalInt.empty(), PruneStrategy.SIMILARITY, List.of(), 5, 5, ref("models/stories260K"),
                MODEL_HASH, MODEL_HASH, 260032, 0.0, heal(), evalTasks());
    }

    public static VariantPruned pruned() {
        VariantId id = VariantId.pruned(EXPERIMENT, 2);
        return new VariantPruned(Event.SCHEMA_VERSION, EXPERIMENT, id, T0.plusSeconds(5), 2, OptionalInt.of(2),
                PruneStrategy.SIMILARITY, List.of(2, 3), 5, 3, ref("experiments/" + EXPERIMENT + "/variants/" + id),
                PRUNED_HASH, MODEL_HASH, 169152, 0.27, heal(), evalTasks());
    }

    public static HealProgress progress() {
        VariantId source = VariantId.pruned(EXPERIMENT, 2);
        return new HealProgress(Event.SCHEMA_VERSION, EXPERIMENT, source.healed(), source, T0.plusSeconds(9), 10, 20,
                3.1842, 1.9635e-4, 5120.4, OptionalDouble.of(3.2977));
    }

    public static HealProgress progressWithoutEvalLoss() {
        VariantId source = VariantId.pruned(EXPERIMENT, 2);
        return new HealProgress(Event.SCHEMA_VERSION, EXPERIMENT, source.healed(), source, T0.plusSeconds(7), 5, 20,
                3.612, 2.8532e-4, 4987.0, OptionalDouble.empty());
    }

    public static VariantHealed healed() {
        VariantId source = VariantId.pruned(EXPERIMENT, 2);
        VariantId id = source.healed();
        return new VariantHealed(Event.SCHEMA_VERSION, EXPERIMENT, id, source, T0.plusSeconds(12), 2,
                ref("experiments/" + EXPERIMENT + "/adapters/" + id), ref("experiments/" + EXPERIMENT + "/variants/" + id),
                HEALED_HASH, List.of(new LossPoint(10, 3.1842), new LossPoint(20, 2.9411)), 3.9012, 3.0127, 20, 10240,
                7.39, evalTasks());
    }

    public static VariantEvaluated evaluated() {
        VariantId id = VariantId.pruned(EXPERIMENT, 2).healed();
        return new VariantEvaluated(Event.SCHEMA_VERSION, EXPERIMENT, id, T0.plusSeconds(14), id.stage(), 2,
                HEALED_HASH, List.of(new TaskScore(EvalTaskName.LOSS, ScoreMetric.LOSS, 3.0127, 64),
                new TaskScore(EvalTaskName.LOSS, ScoreMetric.NORMALIZED_LOSS, 0.48306, 64)), 1.08);
    }

    public static StageFailed failed() {
        return new StageFailed(Event.SCHEMA_VERSION, EXPERIMENT, Optional.of(VariantId.pruned(EXPERIMENT, 3)),
                T0.plusSeconds(8), PipelineStage.HEAL, ErrorCode.OUT_OF_MEMORY,
                "CUDA out of memory allocating 2.00 GiB for model.layers.0.mlp.down_proj", true);
    }

    public static StageFailed failedWithoutVariant() {
        return new StageFailed(Event.SCHEMA_VERSION, EXPERIMENT, Optional.empty(), T0.plusSeconds(1),
                PipelineStage.PROBE, ErrorCode.NOT_FOUND, "model.ref \"models/stories260K\" names nothing", false);
    }

    private static ArtifactRef ref(String path) {
        return ArtifactRef.of(path);
    }
}
