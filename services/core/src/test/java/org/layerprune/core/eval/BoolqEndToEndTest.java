package org.layerprune.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.tokenizer.Tokenizer;

/**
 * {@link Evaluation#run} of BoolQ from files to metrics: 8 examples (5 answered yes) in SuperGLUE's layout and in
 * the original's, 3 more in a train file for the shots; a random checkpoint scored against the float64 reference,
 * and a checkpoint that always says yes.
 */
class BoolqEndToEndTest {

    private static final int CONTEXT = 512;

    /** question, passage, answer. */
    private record Example(String question, String passage, boolean answer) {
    }

    private static final List<Example> VALIDATION = List.of(
            new Example("is the sun a star", "The Sun is the star at the centre of the Solar System.", true),
            new Example("is a tomato a vegetable", "Botanically, a tomato is a fruit, a berry of the plant.", false),
            new Example("can penguins fly", "Penguins are flightless birds that live mostly in the south.", false),
            new Example("is water made of hydrogen and oxygen", "Water is a compound of hydrogen and oxygen.", true),
            new Example("does the moon orbit the earth", "The Moon is the natural satellite that orbits Earth.", true),
            new Example("is iron a metal", "Iron is a metal, the most common element on Earth by mass.", true),
            new Example("is paris the capital of italy", "Paris is the capital and largest city of France.", false),
            new Example("do bees make honey", "Honey bees make honey from the nectar of flowers.", true));

    private static final List<Example> TRAIN = List.of(
            new Example("is ice cold", "Ice is water frozen into a solid, colder than its melting point.", true),
            new Example("is a whale a fish", "Whales are large marine mammals, not fish.", false),
            new Example("is gold heavy", "Gold is a dense, heavy metal.", true));

    @TempDir
    static Path tmp;

    private static Path superGlue;
    private static Path original;
    private static Path train;
    private static Path random;

    @BeforeAll
    static void writeDataAndModel() throws IOException {
        superGlue = write(tmp.resolve("boolq/val.jsonl"), VALIDATION, true);
        original = write(tmp.resolve("boolq/dev.jsonl"), VALIDATION, false);
        train = write(tmp.resolve("boolq/train.jsonl"), TRAIN, true);
        random = EvalModels.random(tmp.resolve("random"), CONTEXT, promptTexts());
    }

    @Test
    void bothLayoutsScoreWhatTheFloat64ReferencesArgmaxOverNoAndYesScores() throws Exception {
        EvalResult fromSuperGlue = run(random, settings(superGlue, Optional.empty(), 0));
        EvalResult fromOriginal = run(random, settings(original, Optional.empty(), 0));

        EvalModels.Expected expected = referenceScores(
                BoolqData.read(superGlue, BadRowPolicy.STOP).requests(List.of(), 0, text -> 0, CONTEXT));
        assertEquals("boolq", fromSuperGlue.task());
        assertEquals(8, fromSuperGlue.n());
        assertEquals(expected.accuracy(), fromSuperGlue.metrics().get("accuracy"));
        assertEquals(0, fromSuperGlue.metrics().get("shots"));
        assertEquals(fromSuperGlue.metrics(), fromOriginal.metrics());
    }

    @Test
    void twoShotPromptsTakeTheFirstTwoTrainExamplesAndScoreAsTheReference() throws Exception {
        EvalResult result = run(random, settings(superGlue, Optional.of(train), 2));

        List<ChoiceRequest> requests = BoolqData.read(superGlue, BadRowPolicy.STOP)
                .requests(BoolqData.read(train, BadRowPolicy.STOP).examples(), 2, text -> 0, CONTEXT);
        for (ChoiceRequest r : requests) {
            assertTrue(r.context().startsWith(TRAIN.get(0).passage() + "\nQuestion: " + TRAIN.get(0).question()
                    + "?\nAnswer: yes\n\n" + TRAIN.get(1).passage()), r.context());
        }
        assertEquals(referenceScores(requests).accuracy(), result.metrics().get("accuracy"));
        assertEquals(8, result.n());
        assertEquals(2, result.metrics().get("shots"));
        assertEquals(0L, result.metrics().get("shots_dropped"));
    }

    @Test
    void aModelThatAlwaysSaysYesScoresTheShareOfTrueAnswers() throws IOException {
        Path alwaysYes = EvalModels.favouring(tmp.resolve("always-yes"), "yes", CONTEXT, promptTexts());

        assertEquals(5.0 / 8, run(alwaysYes, settings(superGlue, Optional.empty(), 0)).metrics().get("accuracy"));
        assertEquals(5.0 / 8, run(alwaysYes, settings(original, Optional.of(train), 2)).metrics().get("accuracy"));
    }

    @Test
    void skipsMalformedRowsOfTheShotsFileTooAndListsThem() throws IOException {
        Path badTrain = tmp.resolve("boolq/train-with-bad-row.jsonl");
        Files.copy(train, badTrain);
        Files.writeString(badTrain, "{\"question\": \"is it\", \"passage\": \"It is.\", \"label\": 2}\n",
                StandardOpenOption.APPEND); // line 4
        EvalSettings skip = new EvalSettings(superGlue, Optional.of(badTrain), OptionalInt.of(2), OptionalInt.empty(),
                3, BadRowPolicy.SKIP, MmluData.DEFAULT_SPLIT);

        EvalResult result = run(random, skip);

        assertEquals(List.of(badTrain + ":4"), result.skipped().stream().map(s -> s.file() + ":" + s.line()).toList());
        assertEquals(1, result.metrics().get("skipped_rows"));
        assertEquals(8, result.n());
    }

    /** The accuracy of the reference's answers to {@code requests}, each checked to be scored in one pass. */
    private static EvalModels.Expected referenceScores(List<ChoiceRequest> requests) throws Exception {
        List<EncodedRequest> encoded;
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(random).orElseThrow()) {
            encoded = EvalModels.encode(requests, tokenizer);
        }
        encoded.forEach(e -> assertTrue(e.singleTokenChoices(), "\" no\" and \" yes\" are one token each"));
        return EvalModels.expected(requests, EvalModels.referenceAnswers(random, encoded, tmp));
    }

    /** Every 2-shot prompt, with "no" and "yes": all the words the tokenizer needs. */
    private static List<String> promptTexts() throws IOException {
        List<BoolqExample> shots = BoolqData.read(train, BadRowPolicy.STOP).examples();
        List<String> texts = new ArrayList<>();
        for (BoolqExample e : BoolqData.read(superGlue, BadRowPolicy.STOP).examples()) {
            texts.add(BoolqPrompt.context(shots, e));
        }
        texts.add(String.join("", BoolqPrompt.CONTINUATIONS));
        return texts;
    }

    /** SuperGLUE's {"question", "passage", "idx", "label": 0/1}, or the original's {"question", "title", "answer", "passage"}. */
    private static Path write(Path file, List<Example> examples, boolean superGlueLayout) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            ObjectNode o = json.createObjectNode().put("question", e.question());
            if (superGlueLayout) {
                o.put("passage", e.passage()).put("idx", i).put("label", e.answer() ? 1 : 0);
            } else {
                o.put("title", "Title " + i).put("answer", e.answer()).put("passage", e.passage());
            }
            lines.add(json.writeValueAsString(o));
        }
        return EvalTestFiles.write(file, lines.toArray(String[]::new));
    }

    private static EvalResult run(Path model, EvalSettings settings) throws IOException {
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(model).orElseThrow();
                LlamaModel llama = LlamaModel.load(model, Device.cpu())) {
            return Evaluation.run(EvalTask.BOOLQ, llama, Optional.of(tokenizer), settings, EvalProgress.NONE,
                    () -> false);
        }
    }

    private static EvalSettings settings(Path data, Optional<Path> fewshot, int shots) {
        return new EvalSettings(data, fewshot, OptionalInt.of(shots), OptionalInt.empty(), 3, BadRowPolicy.STOP,
                MmluData.DEFAULT_SPLIT);
    }
}
