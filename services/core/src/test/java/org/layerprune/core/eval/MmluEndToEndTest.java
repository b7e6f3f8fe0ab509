package org.layerprune.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerprune.core.eval.MmluFixture.ANATOMY;
import static org.layerprune.core.eval.MmluFixture.PHYSICS;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.tokenizer.Tokenizer;

/**
 * {@link Evaluation#run} of MMLU from files to metrics, on {@link MmluFixture}'s two subjects: a random checkpoint
 * scored against the float64 reference, and a checkpoint that always answers B, whose accuracy is known without
 * running anything: the share of questions whose answer is B (3 of 8; physics 2 of 5, anatomy 1 of 3).
 */
class MmluEndToEndTest {

    /** Fits every 5-shot prompt of the fixture (about 200 words and signs). */
    private static final int CONTEXT = 512;

    /** Fits every 0-shot prompt of the fixture but no 5-shot one. */
    private static final int SHORT_CONTEXT = 120;

    @TempDir
    static Path tmp;

    private static Path mmlu;
    private static Path random;
    private static Path alwaysB;

    @BeforeAll
    static void writeDataAndModels() throws IOException {
        mmlu = MmluFixture.writeHendrycks(tmp.resolve("mmlu"));
        List<String> texts = promptTexts(mmlu);
        random = EvalModels.random(tmp.resolve("random"), CONTEXT, texts);
        alwaysB = EvalModels.favouring(tmp.resolve("always-b"), "B", CONTEXT, texts);
    }

    @ParameterizedTest(name = "{0}-shot")
    @ValueSource(ints = {5, 0})
    void accuracyIsWhatTheFloat64ReferencesArgmaxScores(int shots) throws Exception {
        EvalResult result = run(random, settings(mmlu).shots(shots));

        List<ChoiceRequest> requests;
        List<EncodedRequest> encoded;
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(random).orElseThrow()) {
            requests = MmluData.read(mmlu, Optional.empty(), BadRowPolicy.STOP)
                    .requests(shots, text -> tokenizer.encodeWithoutSpecialTokens(text).length, CONTEXT);
            encoded = EvalModels.encode(requests, tokenizer);
        }
        assertEquals(8, requests.size());
        for (int q = 0; q < requests.size(); q++) {
            assertTrue(encoded.get(q).singleTokenChoices(), "question " + q + ": one pass scores \" A\"..\" D\"");
            assertEquals(0, requests.get(q).shotsDropped());
            String firstShot = MmluFixture.PHYSICS_DEV.get(0).question();
            assertEquals(shots > 0 && requests.get(q).group().equals(PHYSICS),
                    requests.get(q).context().contains(firstShot), "question " + q + ": shots in the prompt");
        }
        EvalModels.Expected expected = EvalModels.expected(requests,
                EvalModels.referenceAnswers(random, encoded, tmp));
        assertEquals("mmlu", result.task());
        assertEquals(8, result.n());
        assertEquals(expected.accuracy(), result.metrics().get("accuracy"));
        assertEquals(expected.macro(), (double) result.metrics().get("macro_accuracy"), 1e-15);
        assertEquals(expected.perGroup(), result.metrics().get("per_subject"));
        assertEquals(shots, result.metrics().get("shots"));
        assertEquals(0L, result.metrics().get("shots_dropped"));
        assertEquals(0L, result.metrics().get("truncated_prompts"));
        assertEquals(0, result.metrics().get("skipped_rows"));
    }

    @Test
    void aModelThatAlwaysAnswersBScoresTheShareOfQuestionsWhoseAnswerIsB() throws IOException {
        EvalResult result = run(alwaysB, settings(mmlu));

        assertEquals(8, result.n());
        assertEquals(3.0 / 8, result.metrics().get("accuracy"));
        assertEquals(Map.of(PHYSICS, 2.0 / 5, ANATOMY, 1.0 / 3), result.metrics().get("per_subject"));
        assertEquals((2.0 / 5 + 1.0 / 3) / 2, (double) result.metrics().get("macro_accuracy"), 1e-15);
        assertEquals(5, result.metrics().get("shots"));
    }

    @Test
    void jsonLinesAndTheDirectoryLayoutScoreTheSameQuestionsAlike() throws IOException {
        Path test = tmp.resolve("jsonl/test.jsonl");
        Path dev = tmp.resolve("jsonl/dev.jsonl");
        MmluFixture.writeJsonl(test, dev);

        EvalResult fromDirectory = run(random, settings(mmlu));
        EvalResult fromJsonl = run(random, settings(test).fewshot(dev));

        assertEquals(fromDirectory.n(), fromJsonl.n());
        assertEquals(fromDirectory.metrics(), fromJsonl.metrics());
    }

    @Test
    void limitTakesTheFirstQuestionsOfEachSubject() throws IOException {
        EvalResult result = run(alwaysB, settings(mmlu).limit(2));

        // physics B A: 1 of 2; anatomy D B: 1 of 2
        assertEquals(4, result.n());
        assertEquals(Map.of(PHYSICS, 0.5, ANATOMY, 0.5), result.metrics().get("per_subject"));
        assertEquals(0.5, result.metrics().get("accuracy"));
    }

    @Test
    void shotsThatDoNotFitTheContextAreDroppedFromTheEndAndCounted() throws IOException {
        Path shortModel = EvalModels.favouring(tmp.resolve("always-b-short"), "B", SHORT_CONTEXT, promptTexts(mmlu));
        long questionsWithDrops = 0;
        long drops = 0;
        MmluData data = MmluData.read(mmlu, Optional.empty(), BadRowPolicy.STOP);
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(shortModel).orElseThrow()) {
            for (String subject : data.subjects()) {
                for (MmluQuestion q : data.questions(subject)) {
                    int kept = 5;
                    while (tokens(tokenizer, MmluPrompt.context(subject, data.dev(subject).subList(0, kept), q)
                            + " D") > SHORT_CONTEXT) {
                        kept--;
                    }
                    assertTrue(kept > 0 && kept < 5, "the fixture drops some of the shots, not all: kept " + kept);
                    questionsWithDrops += kept < 5 ? 1 : 0;
                    drops += 5 - kept;
                }
            }
        }

        EvalResult result = run(shortModel, settings(mmlu));

        assertEquals(8, result.n());
        assertEquals(questionsWithDrops, result.metrics().get("questions_with_shots_dropped"));
        assertEquals(drops, result.metrics().get("shots_dropped"));
        assertEquals(0L, result.metrics().get("truncated_prompts"));
        assertEquals(3.0 / 8, result.metrics().get("accuracy"));
    }

    @Test
    void stopsAtAMalformedRowNamingItsFileAndLine() throws IOException {
        Path bad = withMalformedRows(tmp.resolve("mmlu-bad-stop"));

        EvalDataException e = assertThrows(EvalDataException.class,
                () -> run(alwaysB, settings(bad).badRows(BadRowPolicy.STOP)));

        Path file = bad.resolve("test/anatomy_test.csv");
        assertEquals(file, e.file());
        assertEquals(4, e.line());
        assertTrue(e.getMessage().startsWith(file + ":4: "), e.getMessage());
        assertTrue(e.getMessage().contains("\"E\""), e.getMessage());
    }

    @Test
    void skipsMalformedRowsListingThemAndScoresEveryOtherQuestion() throws IOException {
        Path bad = withMalformedRows(tmp.resolve("mmlu-bad-skip"));

        EvalResult result = run(alwaysB, settings(bad).badRows(BadRowPolicy.SKIP));

        assertEquals(List.of(bad.resolve("test/anatomy_test.csv") + ":4",
                        bad.resolve("dev/high_school_physics_dev.csv") + ":6"),
                result.skipped().stream().map(s -> s.file() + ":" + s.line()).toList());
        assertEquals(2, result.metrics().get("skipped_rows"));
        assertEquals(8, result.n());
        assertEquals(3.0 / 8, result.metrics().get("accuracy"));
        assertEquals(0L, result.metrics().get("shots_dropped"), "the five good dev rows are still the shots");
    }

    /** The fixture with an answer "E" on line 4 of anatomy's test file and a 3-column row on line 6 of a dev file. */
    private static Path withMalformedRows(Path dir) throws IOException {
        MmluFixture.writeHendrycks(dir);
        Files.writeString(dir.resolve("test/anatomy_test.csv"), "Which bone is in the thigh?,femur,tibia,ulna,radius,E\n",
                StandardOpenOption.APPEND);
        Files.writeString(dir.resolve("dev/high_school_physics_dev.csv"), "What is a volt?,a unit,a force\n",
                StandardOpenOption.APPEND);
        return dir;
    }

    /** Every 5-shot prompt of the data, with the letters: all the words the tokenizer needs. */
    private static List<String> promptTexts(Path dir) throws IOException {
        MmluData data = MmluData.read(dir, Optional.empty(), BadRowPolicy.STOP);
        List<String> texts = new ArrayList<>();
        for (String subject : data.subjects()) {
            for (MmluQuestion q : data.questions(subject)) {
                texts.add(MmluPrompt.context(subject, data.dev(subject), q));
            }
        }
        texts.add(String.join("", MmluPrompt.CONTINUATIONS));
        return texts;
    }

    private static int tokens(Tokenizer tokenizer, String text) {
        return tokenizer.encodeWithoutSpecialTokens(text).length;
    }

    private static EvalResult run(Path model, Settings s) throws IOException {
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(model).orElseThrow();
                LlamaModel llama = LlamaModel.load(model, Device.cpu())) {
            return Evaluation.run(EvalTask.MMLU, llama, Optional.of(tokenizer), s.build(), EvalProgress.NONE,
                    () -> false);
        }
    }

    private static Settings settings(Path data) {
        return new Settings(data, Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), BadRowPolicy.STOP);
    }

    /** {@link EvalSettings} with the test's changes, batch 3 so that questions share batches unevenly. */
    private record Settings(Path data, Optional<Path> fewshot, OptionalInt shots, OptionalInt limit,
            BadRowPolicy badRows) {

        Settings shots(int k) {
            return new Settings(data, fewshot, OptionalInt.of(k), limit, badRows);
        }

        Settings limit(int n) {
            return new Settings(data, fewshot, shots, OptionalInt.of(n), badRows);
        }

        Settings fewshot(Path file) {
            return new Settings(data, Optional.of(file), shots, limit, badRows);
        }

        Settings badRows(BadRowPolicy policy) {
            return new Settings(data, fewshot, shots, limit, policy);
        }

        EvalSettings build() {
            return new EvalSettings(data, fewshot, shots, limit, 3, badRows, MmluData.DEFAULT_SPLIT);
        }
    }
}
