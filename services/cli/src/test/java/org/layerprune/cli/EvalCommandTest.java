package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.eval.BadRowPolicy;
import org.layerprune.core.eval.EvalProgress;
import org.layerprune.core.eval.EvalResult;
import org.layerprune.core.eval.EvalSettings;
import org.layerprune.core.eval.EvalTask;
import org.layerprune.core.eval.Evaluation;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.tokenizer.Tokenizer;

/**
 * {@code layerprune eval}: the {@code --json} contract {"task", "n", "metrics", "skipped"} for loss on stories260K,
 * and for mmlu and boolq on the tiny Qwen2 checkpoint with a word-level tokenizer.json written beside it; and every
 * refusal.
 */
class EvalCommandTest {

    /** reference/eval_reference.py (float64) on all 64 sequences of stories260K's eval.jsonl. */
    private static final double STORIES_EVAL_LOSS = 2.9535513075684072;

    /** 64 sequences of 128 ids, each predicting 127. */
    private static final long STORIES_EVAL_TOKENS = 64 * 127;

    private static final int STORIES_VOCAB = 512;

    /**
     * The tokenizer's words, ids in this order: what the prompts below are made of. Anything else is {@code <unk>}.
     * The tiny checkpoint has 64 ids.
     */
    private static final List<String> WORDS = List.of("<unk>", "<s>", "</s>", "A", "B", "C", "D", "no", "yes",
            "Answer", "Question", ":", ".", "?", ",", "(", ")", "The", "following", "are", "multiple", "choice",
            "questions", "with", "answers", "about", "anatomy", "high", "school", "physics", "what", "is", "plus",
            "1", "2", "3", "4", "5", "6", "7", "8", "9", "the", "sky", "blue", "grass", "green");

    @TempDir
    static Path tmp;

    private static Path tiny;
    private static Path mmlu;

    @BeforeAll
    static void writeCheckpointAndData() throws IOException {
        tiny = TinyCheckpoint.init(tmp, "tiny");
        writeWordTokenizer(tiny);
        mmlu = writeMmlu(tmp.resolve("mmlu"));
    }

    @Test
    void printsLossPerplexityAndLossOverLnVOfStoriesAsJson() {
        Cli.Result result = Cli.run("eval", "--model", Fixtures.stories260K().toString(), "--task", "loss",
                "--data", Fixtures.stories260KEval().toString(), "--json");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode json = result.json();
        assertEquals(Set.of("task", "n", "metrics", "skipped"), fieldNames(json));
        assertEquals("loss", json.get("task").asText());
        assertEquals(64, json.get("n").intValue());
        JsonNode metrics = json.get("metrics");
        assertTrue(fieldNames(metrics).containsAll(Set.of("loss", "perplexity", "normalized_loss", "tokens")),
                metrics.toString());
        double loss = metrics.get("loss").doubleValue();
        assertEquals(STORIES_EVAL_LOSS, loss, 1e-4 * STORIES_EVAL_LOSS);
        assertEquals(Math.exp(loss), metrics.get("perplexity").doubleValue(), 1e-9 * Math.exp(loss));
        assertEquals(loss / Math.log(STORIES_VOCAB), metrics.get("normalized_loss").doubleValue(), 1e-12);
        assertEquals(STORIES_EVAL_TOKENS, metrics.get("tokens").longValue());
        assertEquals(0, json.get("skipped").size());
    }

    @Test
    void printsMmluAccuracyMacroAccuracyAndPerSubjectAsEvaluationComputesThem() throws IOException {
        Cli.Result result = Cli.run("eval", "--model", tiny.toString(), "--task", "mmlu", "--data", mmlu.toString(),
                "--json");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode json = result.json();
        assertEquals(Set.of("task", "n", "metrics", "skipped"), fieldNames(json));
        assertEquals("mmlu", json.get("task").asText());
        assertEquals(6, json.get("n").intValue());
        JsonNode metrics = json.get("metrics");
        assertTrue(fieldNames(metrics).containsAll(Set.of("accuracy", "macro_accuracy", "per_subject", "shots")),
                metrics.toString());
        assertEquals(Set.of("anatomy", "high_school_physics"), fieldNames(metrics.get("per_subject")));
        assertEquals(5, metrics.get("shots").intValue());
        assertSameAsEvaluation(EvalTask.MMLU, mmlu, json);
    }

    @Test
    void printsBoolqAccuracyAsEvaluationComputesIt() throws IOException {
        Path boolq = Files.writeString(tmp.resolve("boolq.jsonl"), """
                {"question": "is the sky blue", "passage": "The sky is blue.", "idx": 0, "label": 1}
                {"question": "is the grass blue", "passage": "The grass is green.", "idx": 1, "label": 0}
                {"question": "is the grass green", "passage": "The grass is green.", "idx": 2, "label": 1}
                """);

        Cli.Result result = Cli.run("eval", "--model", tiny.toString(), "--task", "boolq", "--data", boolq.toString(),
                "--json");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode json = result.json();
        assertEquals("boolq", json.get("task").asText());
        assertEquals(3, json.get("n").intValue());
        assertEquals(0, json.get("metrics").get("shots").intValue());
        assertSameAsEvaluation(EvalTask.BOOLQ, boolq, json);
    }

    @Test
    void namesAnUnknownTaskAndTheKnownOnes() {
        Cli.Result result = Cli.run("eval", "--model", tiny.toString(), "--task", "hellaswag", "--data",
                mmlu.toString(), "--json");

        assertFailed(result, "unknown task \"hellaswag\"", "loss, mmlu, boolq");
    }

    @Test
    void refusesMmluOnACheckpointWithoutATokenizer() throws IOException {
        Path bare = TinyCheckpoint.init(tmp, "no-tokenizer");

        Cli.Result result = Cli.run("eval", "--model", bare.toString(), "--task", "mmlu", "--data", mmlu.toString());

        assertFailed(result, "mmlu", "needs the checkpoint's tokenizer.json");
    }

    @Test
    void stopsAtAMalformedCsvRowNamingItsFileAndLine() throws IOException {
        Path bad = withBadRow(tmp.resolve("mmlu-bad-stop"));

        Cli.Result result = Cli.run("eval", "--model", tiny.toString(), "--task", "mmlu", "--data", bad.toString(),
                "--on-bad-row", "stop", "--json");

        assertFailed(result, bad.resolve("test/anatomy_test.csv") + ":4:", "\"E\"");
    }

    @Test
    void skipsAMalformedCsvRowAndListsItWhenAskedTo() throws IOException {
        Path bad = withBadRow(tmp.resolve("mmlu-bad-skip"));
        Path file = bad.resolve("test/anatomy_test.csv");

        Cli.Result result = Cli.run("eval", "--model", tiny.toString(), "--task", "mmlu", "--data", bad.toString(),
                "--on-bad-row", "skip", "--json");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode json = result.json();
        assertEquals(6, json.get("n").intValue(), "every good question is scored");
        assertEquals(1, json.get("metrics").get("skipped_rows").intValue());
        assertEquals(1, json.get("skipped").size());
        JsonNode skipped = json.get("skipped").get(0);
        assertEquals(List.of("file", "line", "reason"), fieldsInOrder(skipped), "the same bytes every run");
        assertEquals(file.toString(), skipped.get("file").asText());
        assertEquals(4, skipped.get("line").intValue());
        assertTrue(skipped.get("reason").asText().contains("\"E\""), skipped.toString());
        assertTrue(result.err().contains("skipped " + file + ":4: "), result.err());
    }

    /** The CLI's JSON holds what {@link Evaluation#run} returns for the same checkpoint and data, number for number. */
    private static void assertSameAsEvaluation(EvalTask task, Path data, JsonNode printed) throws IOException {
        EvalResult expected;
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(tiny).orElseThrow();
                LlamaModel model = LlamaModel.load(tiny, Device.cpu())) {
            expected = Evaluation.run(task, model, Optional.of(tokenizer), EvalSettings.of(data), EvalProgress.NONE,
                    () -> false);
        }
        assertEquals(expected.n(), printed.get("n").intValue());
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(json.writeValueAsString(expected.metrics())), printed.get("metrics"));
    }

    /**
     * Two subjects, 5 dev and 3 test questions each; one field holds a quoted comma. Physics' answers B A C, anatomy's
     * D B A.
     */
    private static Path writeMmlu(Path dir) throws IOException {
        for (String subject : List.of("high_school_physics", "anatomy")) {
            write(dir.resolve("dev/" + subject + "_dev.csv"), """
                    what is 1 plus 1?,1,2,3,4,B
                    what is 1 plus 2?,1,2,3,4,C
                    what is 2 plus 2?,1,2,3,4,D
                    what is 3 plus 3?,6,7,8,9,A
                    "what is 1, plus 3?",1,2,3,4,D
                    """);
        }
        write(dir.resolve("test/high_school_physics_test.csv"), """
                what is 2 plus 3?,4,5,6,7,B
                what is 4 plus 4?,8,9,1,2,A
                what is 2 plus 5?,5,6,7,8,C
                """);
        write(dir.resolve("test/anatomy_test.csv"), """
                what is 1 plus 5?,3,4,5,6,D
                what is 3 plus 5?,7,8,9,1,B
                what is 4 plus 5?,9,8,7,6,A
                """);
        return dir;
    }

    /** {@link #writeMmlu} with a fourth anatomy test row answered "E", on line 4. */
    private static Path withBadRow(Path dir) throws IOException {
        writeMmlu(dir);
        Files.writeString(dir.resolve("test/anatomy_test.csv"), "what is 5 plus 5?,7,8,9,1,E\n",
                StandardOpenOption.APPEND);
        return dir;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** HF tokenizers' WordLevel model over {@link #WORDS}, split by the Whitespace pre-tokenizer; no special tokens added. */
    private static void writeWordTokenizer(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < 3; id++) {
            added.addObject().put("id", id).put("content", WORDS.get(id))
                    .put("single_word", false).put("lstrip", false).put("rstrip", false).put("normalized", false)
                    .put("special", true);
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "Whitespace");
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model").put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < WORDS.size(); id++) {
            vocab.put(WORDS.get(id), id);
        }
        model.put("unk_token", "<unk>");
        Files.writeString(dir.resolve("tokenizer.json"), json.writeValueAsString(root));
    }

    private static void assertFailed(Cli.Result result, String... expected) {
        assertEquals(Layerprune.FAILED, result.exitCode(), result::toString);
        assertEquals("", result.out(), "nothing on stdout");
        for (String text : expected) {
            assertTrue(result.err().contains(text), "stderr should contain " + text + ":\n" + result.err());
        }
    }

    private static List<String> fieldsInOrder(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
