package org.layerprune.core.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.data.JsonlDataset;
import org.layerprune.core.data.Sequence;
import org.layerprune.core.eval.EvalProgress;
import org.layerprune.core.eval.LossEvaluation;
import org.layerprune.core.heal.LoraTrainer.Quantization;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.prune.BlockSelection;
import org.layerprune.core.prune.LayerPruner;
import org.layerprune.core.prune.Provenance;
import org.layerprune.core.testing.Fixtures;

/** Whole healing runs of stories260K without layers 2..3 (its l*(2)), short ones. */
class HealerTest {

    private static final HealSettings SETTINGS = new HealSettings(new LoraConfig(4, 8, 0.05,
            LoraConfig.paperDefaults().targetModules()), Quantization.NF4, 6, 4, 2, 64, 3e-3, 2, 11, 3, 2, 8);

    @TempDir
    static Path tmp;

    private static Path pruned;
    private static LlamaModel model;
    private static List<int[]> docs;
    private static List<int[]> evalSequences;
    private static HealResult straight;

    @BeforeAll
    static void healOnce() throws IOException {
        pruned = tmp.resolve("pruned");
        LayerPruner.prune(Fixtures.stories260K(), new BlockSelection(2, 2), Provenance.manual(), pruned, false);
        model = LlamaModel.load(pruned, Device.cpu());
        docs = ids("data/stories260K/calib.jsonl", 64);
        evalSequences = ids("data/stories260K/eval.jsonl", 8);
        straight = Healer.run(inputs(), SETTINGS, tmp.resolve("straight"), new Healer.Listener() { }, () -> false);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void aCancelledRunStartedAgainEndsWithTheUninterruptedRunsAdapterBitForBit() throws IOException {
        Path out = tmp.resolve("cancelled");
        AtomicInteger checks = new AtomicInteger();
        assertThrows(CancellationException.class,
                () -> Healer.run(inputs(), SETTINGS, out, new Healer.Listener() { }, () -> checks.incrementAndGet() > 3));
        assertEquals(List.of("step-000003"), names(out.resolve(Healer.CHECKPOINTS_DIR)));
        assertEquals(3, TrainingLog.read(out.resolve(Healer.LOG_FILE)).size());

        HealResult resumed = Healer.run(inputs(), SETTINGS, out, new Healer.Listener() { }, () -> false);

        assertEquals(3, resumed.resumedFrom());
        assertEquals(-1, Files.mismatch(straight.adapter().resolve(PeftAdapter.WEIGHTS_FILE),
                resumed.adapter().resolve(PeftAdapter.WEIGHTS_FILE)), "adapter bytes");
        assertEquals(-1, Files.mismatch(straight.merged().resolve("model.safetensors"),
                resumed.merged().resolve("model.safetensors")), "merged weights");
        assertEquals(straight.trainLoss(), resumed.trainLoss(), 0.0);
        assertEquals(straight.evalLossAfter(), resumed.evalLossAfter());
        assertEquals(losses(tmp.resolve("straight")), losses(out));
    }

    @Test
    void aRunCancelledBeforeAnyNewUpdateWritesNoCheckpoint() throws IOException {
        Path out = tmp.resolve("cancelled-at-once");
        assertThrows(CancellationException.class,
                () -> Healer.run(inputs(), SETTINGS, out, new Healer.Listener() { }, () -> true));
        Path checkpoints = out.resolve(Healer.CHECKPOINTS_DIR);
        assertTrue(!Files.exists(checkpoints) || names(checkpoints).isEmpty(), "a checkpoint of no update");

        AtomicInteger checks = new AtomicInteger();
        assertThrows(CancellationException.class,
                () -> Healer.run(inputs(), SETTINGS, out, new Healer.Listener() { }, () -> checks.incrementAndGet() > 2));
        CancellationException again = assertThrows(CancellationException.class,
                () -> Healer.run(inputs(), SETTINGS, out, new Healer.Listener() { }, () -> true));
        assertEquals(List.of("step-000002"), names(checkpoints));
        assertTrue(again.getMessage().contains("after 2 updates; nothing since the latest checkpoint"),
                again.getMessage());
    }

    @Test
    void aFinishedRunReturnsItsResultWithoutTrainingAgain() {
        AtomicInteger updates = new AtomicInteger();
        HealResult again = Healer.run(inputs(), SETTINGS, tmp.resolve("straight"), new Healer.Listener() {
            @Override
            public void stepDone(TrainingLog.Entry entry, long totalSteps) {
                updates.incrementAndGet();
            }
        }, () -> false);
        assertEquals(0, updates.get());
        assertEquals(straight.toJson().toString(), again.toJson().toString());
    }

    @Test
    void refusesToResumeACheckpointOfOtherSettings() {
        Path out = tmp.resolve("other-settings");
        AtomicInteger checks = new AtomicInteger();
        assertThrows(CancellationException.class,
                () -> Healer.run(inputs(), SETTINGS, out, new Healer.Listener() { }, () -> checks.incrementAndGet() > 2));
        HealSettings rank8 = new HealSettings(new LoraConfig(8, 8, 0.05, SETTINGS.lora().targetModules()),
                SETTINGS.quantization(), 6, 4, 2, 64, 3e-3, 2, 11, 3, 2, 8);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Healer.run(inputs(), rank8, out, new Healer.Listener() { }, () -> false));
        assertTrue(e.getMessage().contains("step-000002 was made by a run with rank = 4, this run has 8"),
                e.getMessage());
    }

    @Test
    void theMergedCheckpointScoresTheLossOfTheAdapterInMemory() {
        try (LlamaModel merged = LlamaModel.load(straight.merged(), Device.cpu())) {
            double loss = LossEvaluation.run(merged, evalSequences, 8, EvalProgress.NONE, () -> false).loss();
            assertEquals(straight.evalLossAfter().getAsDouble(), loss, 1e-5);
        }
    }

    @Test
    void healingLowersThePrunedModelsValidationLoss() {
        double before = straight.evalLossBefore().getAsDouble();
        double after = straight.evalLossAfter().getAsDouble();
        assertTrue(after < before - 0.05, "eval loss " + before + " -> " + after); // 8.340 -> 8.259 when written
        List<TrainingLog.Entry> log = TrainingLog.read(tmp.resolve("straight").resolve(Healer.LOG_FILE));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), log.stream().map(TrainingLog.Entry::step).toList());
        assertTrue(log.get(2).evalLoss().isPresent(), "step 3 evaluates");
        assertEquals(6 * 4 * 64, straight.tokens());
    }

    private static Healer.Inputs inputs() {
        return new Healer.Inputs(pruned, model, docs, evalSequences);
    }

    private static List<Double> losses(Path out) {
        return TrainingLog.read(out.resolve(Healer.LOG_FILE)).stream().map(TrainingLog.Entry::loss).toList();
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<int[]> ids(String relative, int limit) throws IOException {
        try (Stream<Sequence> lines = JsonlDataset.of(Fixtures.require(relative)).withLimit(limit).stream()) {
            return lines.map(Sequence::ids).toList();
        }
    }
}
