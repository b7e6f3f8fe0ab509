package org.layerprune.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.data.JsonlDataset;
import org.layerprune.core.data.Sequence;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.testing.Fixtures;
import org.layerprune.core.testing.PythonReference;

class LossEvaluationTest {

    @Test
    void storiesEvalLossMatchesTheFloat64Reference(@TempDir Path tmp) throws Exception {
        Path eval = Fixtures.require("data/stories260K/eval.jsonl");
        JsonNode ref = PythonReference.runScript("eval_reference.py",
                List.of("--model", Fixtures.stories260K().toString(), "--data", eval.toString()), tmp);
        List<int[]> sequences = read(eval);
        try (LlamaModel model = LlamaModel.load(Fixtures.stories260K(), Device.cpu())) {
            LossResult r = LossEvaluation.run(model, sequences, 8, EvalProgress.NONE, () -> false);
            assertEquals(ref.get("tokens").asLong(), r.tokens(), "every predicted token, the first of each not");
            assertEquals(64, r.sequences());
            assertRelative(ref.get("loss").asDouble(), r.loss(), "loss");
            assertRelative(ref.get("perplexity").asDouble(), r.perplexity(), "perplexity");
            assertRelative(ref.get("normalized_loss").asDouble(), r.normalizedLoss(), "loss / ln V");
        }
    }

    @Test
    void paddingNeverCountsWhateverTheBatching() throws Exception {
        List<int[]> sequences = read(Fixtures.require("data/stories260K/eval.jsonl")).subList(0, 9).stream()
                .map(ids -> java.util.Arrays.copyOf(ids, 5 + ids[3] % 100)).toList();
        try (LlamaModel model = LlamaModel.load(Fixtures.stories260K(), Device.cpu())) {
            LossResult one = LossEvaluation.run(model, sequences, 1, EvalProgress.NONE, () -> false);
            LossResult four = LossEvaluation.run(model, sequences, 4, EvalProgress.NONE, () -> false);
            assertEquals(one.tokens(), four.tokens());
            assertEquals(sequences.stream().mapToLong(s -> s.length - 1).sum(), four.tokens());
            assertEquals(one.loss(), four.loss(), 1e-6);
        }
    }

    @Test
    void stopsBetweenBatchesWhenCancelledAndReportsProgress() throws Exception {
        List<int[]> sequences = read(Fixtures.require("data/stories260K/eval.jsonl"));
        AtomicInteger batches = new AtomicInteger();
        try (LlamaModel model = LlamaModel.load(Fixtures.stories260K(), Device.cpu())) {
            assertThrows(CancellationException.class, () -> LossEvaluation.run(model, sequences, 16,
                    (done, total) -> batches.incrementAndGet(), () -> batches.get() >= 2));
        }
        assertEquals(2, batches.get(), "two batches of four ran before the cancel was seen");
    }

    private static void assertRelative(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-4 * Math.abs(expected), what);
    }

    private static List<int[]> read(Path file) throws Exception {
        try (Stream<Sequence> lines = JsonlDataset.of(file).stream()) {
            return lines.map(Sequence::ids).collect(Collectors.toList());
        }
    }
}
