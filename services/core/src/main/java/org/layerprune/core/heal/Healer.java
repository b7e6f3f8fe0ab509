package org.layerprune.core.heal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointHash;
import org.layerprune.core.checkpoint.DType;
import org.layerprune.core.checkpoint.Json;
import org.layerprune.core.eval.EvalProgress;
import org.layerprune.core.eval.LossEvaluation;
import org.layerprune.core.model.LlamaModel;

/**
 * A whole healing run, resumable: LoRA training of a pruned model on packed text, validation losses before, during
 * and after, resumable checkpoints, and at the end a PEFT adapter, a merged checkpoint and the result.
 *
 * <p>Everything goes under one output directory:
 * <pre>
 *   checkpoints/step-N/   the newest resumable state ({@link HealCheckpoint})
 *   training-log.jsonl    one line per update ({@link TrainingLog})
 *   adapter/              the PEFT adapter (float32 factors)
 *   merged/               base + (alpha / r) B A, in the base's dtype and layout
 *   heal.json             the {@link HealResult}, written last: its presence marks the run complete
 * </pre>
 * Running again with the same inputs and output directory continues from the newest checkpoint, or, when
 * {@code heal.json} is there, returns it without training: a run killed at any moment and started again ends with
 * the adapter an uninterrupted run produces, bit for bit (the data cursor, the factors, AdamW's moments and the
 * update count are restored exactly; dropout masks are functions of the seed and the update). A checkpoint or
 * result made from other settings, another model or other data is refused, naming what differs.
 */
public final class Healer {

    /** Where the resumable state lives under the output directory. */
    public static final String CHECKPOINTS_DIR = "checkpoints";

    /** The training log under the output directory. */
    public static final String LOG_FILE = "training-log.jsonl";

    /** The PEFT adapter under the output directory. */
    public static final String ADAPTER_DIR = "adapter";

    /** The merged checkpoint under the output directory. */
    public static final String MERGED_DIR = "merged";

    /** The result under the output directory. */
    public static final String RESULT_FILE = "heal.json";

    /** What a run reports while it works; every method has an empty default. */
    public interface Listener {

        /** Training starts (or resumes) at update {@code fromStep} of {@code totalSteps}. */
        default void started(long fromStep, long totalSteps) {
        }

        /** An update is done and logged. */
        default void stepDone(TrainingLog.Entry entry, long totalSteps) {
        }

        /** A phase other than training starts: "evaluating", "checkpointing", "writing adapter", "merging". */
        default void phase(String what) {
        }
    }

    /**
     * What a run heals and on what.
     *
     * @param modelDir      the pruned checkpoint, merged into at the end
     * @param model         that checkpoint, loaded; the caller closes it
     * @param trainDocs     token ids of each training document (packed into rows here)
     * @param evalSequences held-out sequences for the validation loss, already at most the model's context; may be
     *                      empty
     */
    public record Inputs(Path modelDir, LlamaModel model, List<int[]> trainDocs, List<int[]> evalSequences) {

        public Inputs {
            Objects.requireNonNull(modelDir, "modelDir");
            Objects.requireNonNull(model, "model");
            trainDocs = List.copyOf(trainDocs);
            evalSequences = List.copyOf(evalSequences);
        }
    }

    private final Inputs inputs;
    private final HealSettings settings;
    private final Path out;
    private final Listener listener;
    private final BooleanSupplier cancelled;

    private Healer(Inputs inputs, HealSettings settings, Path out, Listener listener, BooleanSupplier cancelled) {
        this.inputs = inputs;
        this.settings = settings;
        this.out = out.toAbsolutePath().normalize();
        this.listener = listener;
        this.cancelled = cancelled;
    }

    /**
     * Heals, resumes, or returns the finished result; see the class comment.
     *
     * @param settings  the sequence length is cut to the model's {@code max_position_embeddings} when longer
     * @param cancelled checked before every update; when it says so, a checkpoint is written and the run ends
     * @throws CancellationException when cancelled, after checkpointing
     * @throws IllegalStateException naming the file and what differs when {@code out} holds a checkpoint or result of
     *     other settings, model or data
     */
    public static HealResult run(Inputs inputs, HealSettings settings, Path out, Listener listener,
            BooleanSupplier cancelled) {
        return new Healer(inputs, settings.forModel(inputs.model().config()), out, listener, cancelled).run();
    }

    private HealResult run() {
        ObjectNode identity = identity();
        Path resultFile = out.resolve(RESULT_FILE);
        if (Files.isRegularFile(resultFile)) {
            HealResult done = HealResult.read(resultFile);
            requireSameIdentity(done.identity(), identity, resultFile);
            return done;
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot create the heal output directory", e);
        }
        PackedSequences data = PackedSequences.of(inputs.trainDocs(), settings.seqLen(), settings.seed());
        try (LoraTrainer trainer = new LoraTrainer(inputs.model(), settings.lora(), settings.schedule(),
                settings.seed(), settings.quantization())) {
            TrainingLog log = TrainingLog.open(out.resolve(LOG_FILE));
            Optional<HealCheckpoint> saved = HealCheckpoint.latest(out.resolve(CHECKPOINTS_DIR));
            HealCheckpoint.Progress progress;
            if (saved.isPresent()) {
                HealCheckpoint checkpoint = saved.get();
                requireSameIdentity(checkpoint.identity(), identity,
                        HealCheckpoint.dir(out.resolve(CHECKPOINTS_DIR), checkpoint.steps()));
                trainer.restore(checkpoint.trainer());
                progress = checkpoint.progress();
                data.seek(progress.cursor());
            } else {
                progress = new HealCheckpoint.Progress(data.cursor(), 0, 0, evalLoss(trainer));
            }
            log.truncateAfter(trainer.steps()); // updates logged after the checkpoint run again
            long resumedFrom = trainer.steps();
            progress = train(trainer, data, log, progress, identity);
            return finish(trainer, progress, resumedFrom, identity);
        }
    }

    /** Updates from the trainer's count to the last, checkpointing on the way; the progress at the end. */
    private HealCheckpoint.Progress train(LoraTrainer trainer, PackedSequences data, TrainingLog log,
            HealCheckpoint.Progress start, ObjectNode identity) {
        listener.started(trainer.steps(), settings.steps());
        double lossSum = start.lossSum();
        double secondsBefore = start.seconds();
        long startNanos = System.nanoTime();
        long lastNanos = startNanos;
        long tokensPerStep = (long) settings.batchSize() * settings.seqLen();
        long saved = trainer.steps(); // the updates the latest checkpoint holds: the one resumed from, or none
        while (trainer.steps() < settings.steps()) {
            if (cancelled.getAsBoolean()) {
                // a run cancelled before its first update since the latest checkpoint has nothing to add to it
                if (trainer.steps() > saved) {
                    checkpoint(trainer, data, lossSum, secondsBefore + seconds(startNanos), start, identity);
                }
                throw new CancellationException("healing cancelled after " + trainer.steps() + " updates; "
                        + (trainer.steps() > saved ? "checkpoint written" : "nothing since the latest checkpoint")
                        + " under " + out.resolve(CHECKPOINTS_DIR));
            }
            List<List<int[]>> microBatches = new ArrayList<>();
            for (int m = 0; m < settings.accumulation(); m++) {
                microBatches.add(data.next(settings.microBatchSize()));
            }
            LoraTrainer.StepResult step = trainer.stepAccumulated(microBatches);
            lossSum += step.loss();
            long now = System.nanoTime();
            double tokensPerSecond = tokensPerStep / ((now - lastNanos) / 1e9); // the update's own time
            long done = trainer.steps();
            OptionalDouble eval = settings.evalEvery() > 0 && done % settings.evalEvery() == 0
                    && done < settings.steps() ? evalLoss(trainer) : OptionalDouble.empty();
            TrainingLog.Entry entry = new TrainingLog.Entry(done, step.loss(), step.learningRate(), step.gradNorm(),
                    tokensPerSecond, secondsBefore + seconds(startNanos), eval);
            log.append(entry);
            listener.stepDone(entry, settings.steps());
            boolean due = settings.checkpointEvery() > 0 && done % settings.checkpointEvery() == 0;
            if (due || done == settings.steps()) {
                checkpoint(trainer, data, lossSum, secondsBefore + seconds(startNanos), start, identity);
                saved = done;
            }
            lastNanos = System.nanoTime(); // evaluation and checkpoints are not the next update's time
        }
        return new HealCheckpoint.Progress(data.cursor(), lossSum, secondsBefore + seconds(startNanos),
                start.evalLossBefore());
    }

    private void checkpoint(LoraTrainer trainer, PackedSequences data, double lossSum, double seconds,
            HealCheckpoint.Progress start, ObjectNode identity) {
        listener.phase("checkpointing");
        HealCheckpoint.Progress progress = new HealCheckpoint.Progress(data.cursor(), lossSum, seconds,
                start.evalLossBefore());
        new HealCheckpoint(trainer.steps(), trainer.state(), progress, identity)
                .write(out.resolve(CHECKPOINTS_DIR));
    }

    /** Validation, adapter, merge, then the result file. */
    private HealResult finish(LoraTrainer trainer, HealCheckpoint.Progress progress, long resumedFrom,
            ObjectNode identity) {
        OptionalDouble after = evalLoss(trainer);
        listener.phase("writing adapter");
        Path adapter = out.resolve(ADAPTER_DIR);
        new PeftAdapter(settings.lora(), trainer.weights(), inputs.modelDir().toAbsolutePath().normalize().toString())
                .write(adapter, DType.F32, true);
        listener.phase("merging");
        Path merged = out.resolve(MERGED_DIR);
        LoraMerge.merge(inputs.modelDir(), adapter, merged, true);
        long tokens = settings.steps() * (long) settings.batchSize() * settings.seqLen();
        HealResult result = new HealResult(settings.steps(), tokens, progress.lossSum() / settings.steps(),
                progress.evalLossBefore(), after, adapter, merged, progress.seconds(), resumedFrom, identity);
        writeResult(result);
        return result;
    }

    /** heal.json, replaced whole: a rename of a complete temporary file. */
    private void writeResult(HealResult result) {
        Path file = out.resolve(RESULT_FILE);
        Path temp = out.resolve(RESULT_FILE + ".tmp");
        try {
            Files.write(temp, Json.pretty(result.toJson()));
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the heal result", e);
        }
    }

    /** The validation loss of the adapted model, or empty without a validation set. */
    private OptionalDouble evalLoss(LoraTrainer trainer) {
        if (inputs.evalSequences().isEmpty()) {
            return OptionalDouble.empty();
        }
        listener.phase("evaluating");
        return OptionalDouble.of(LossEvaluation.run(trainer::nextTokenLogProbs,
                inputs.model().config().vocabSize(), inputs.evalSequences(), settings.evalBatchSize(),
                EvalProgress.NONE, () -> false).loss());
    }

    /** What a checkpoint or result must agree with to be this run's: settings, model and data. */
    private ObjectNode identity() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("settings", settings.toJson());
        try (Checkpoint checkpoint = Checkpoint.open(inputs.modelDir())) {
            json.put("model_hash", CheckpointHash.of(checkpoint));
        }
        json.put("layers", inputs.model().config().numHiddenLayers());
        json.put("train_data_sha256", tokenHash(inputs.trainDocs()));
        json.put("eval_data_sha256", tokenHash(inputs.evalSequences()));
        return json;
    }

    /**
     * @throws IllegalStateException naming {@code where} and the first field that differs
     */
    static void requireSameIdentity(JsonNode saved, JsonNode wanted, Path where) {
        for (Iterator<String> names = wanted.fieldNames(); names.hasNext();) {
            String name = names.next();
            JsonNode have = saved.get(name);
            JsonNode want = wanted.get(name);
            if (want.isObject() && have != null && have.isObject()) {
                requireSameIdentity(have, want, where);
            } else if (have == null || !want.toString().equals(have.toString())) { // as written: 11 == 11L
                throw new IllegalStateException(where + " was made by a run with " + name + " = " + have
                        + ", this run has " + want + ": use another output directory, or the same inputs");
            }
        }
    }

    /** SHA-256 over each sequence's length and ids, little-endian int32: equal data, equal hash. */
    static String tokenHash(List<int[]> sequences) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
        for (int[] ids : sequences) {
            ByteBuffer bytes = ByteBuffer.allocate(4 * (ids.length + 1)).order(ByteOrder.LITTLE_ENDIAN);
            bytes.putInt(ids.length);
            for (int id : ids) {
                bytes.putInt(id);
            }
            sha256.update(bytes.array());
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
