package org.layerprune.eval;

import ai.djl.Device;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.layerprune.contracts.artifact.ArtifactRef;
import org.layerprune.contracts.events.EvalTaskSettings;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.TaskScore;
import org.layerprune.contracts.events.VariantEvaluated;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.kafka.EventJson;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.checkpoint.CheckpointHash;
import org.layerprune.core.eval.BadRowPolicy;
import org.layerprune.core.eval.EvalProgress;
import org.layerprune.core.eval.EvalResult;
import org.layerprune.core.eval.EvalSettings;
import org.layerprune.core.eval.EvalTask;
import org.layerprune.core.eval.Evaluation;
import org.layerprune.core.eval.MmluData;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.tokenizer.Tokenizer;
import org.layerprune.stage.ArtifactRoot;
import org.layerprune.stage.StageOutputs;

/** Every task of one variant, run as the CLI's {@code eval} command runs one; each task's result is kept beside. */
final class VariantEvaluation {

    private final ArtifactRoot root;
    private final Device device;
    private final int batchSize;

    VariantEvaluation(ArtifactRoot root, Device device, int batchSize) {
        this.root = root;
        this.device = device;
        this.batchSize = batchSize;
    }

    /** Loads the checkpoint once, checked to be the one the event names, and scores it on every task. */
    StageOutputs.Output<VariantEvaluated> run(VariantId variant, ArtifactRef checkpointRef, String checkpointHash,
            List<EvalTaskSettings> tasks) {
        long start = System.nanoTime();
        Path dir = root.existing(checkpointRef, "checkpoint");
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            String hash = CheckpointHash.of(checkpoint);
            if (!hash.equals(checkpointHash)) {
                throw new CheckpointException(dir + ": content hash " + hash + " is not the event's " + checkpointHash);
            }
        }
        List<TaskScore> scores = new ArrayList<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (LlamaModel model = LlamaModel.load(dir, device)) {
            Optional<Tokenizer> tokenizer = Tokenizer.fromCheckpoint(dir);
            try {
                for (int i = 0; i < tasks.size(); i++) {
                    EvalTaskSettings task = tasks.get(i);
                    EvalResult result = Evaluation.run(EvalTask.byName(task.task().wireName()), model, tokenizer,
                            settings(task, "evalTasks[" + i + "]"), EvalProgress.NONE, () -> false);
                    scores.addAll(Scores.of(task.task(), result));
                    files.put(task.task().wireName() + "-" + i + ".json", json(result));
                }
            } finally {
                tokenizer.ifPresent(Tokenizer::close);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(root.relativize(e.getMessage()), e);
        }
        return new StageOutputs.Output<>(new VariantEvaluated(Event.SCHEMA_VERSION, variant.experimentId(), variant,
                Instant.now(), variant.stage(), variant.n(), checkpointHash, scores,
                (System.nanoTime() - start) / 1e9), files);
    }

    private EvalSettings settings(EvalTaskSettings task, String field) {
        return new EvalSettings(root.existing(task.data(), field + ".data"),
                task.fewshotData().map(ref -> root.existing(ref, field + ".fewshotData")), task.shots(), task.limit(),
                batchSize, BadRowPolicy.STOP, MmluData.DEFAULT_SPLIT);
    }

    /** {"task", "n", "metrics"}: the CLI's {@code eval --json} document. */
    private static byte[] json(EvalResult result) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("task", result.task());
        doc.put("n", result.n());
        doc.put("metrics", result.metrics());
        try {
            return EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + result.task() + " result", e);
        }
    }
}
