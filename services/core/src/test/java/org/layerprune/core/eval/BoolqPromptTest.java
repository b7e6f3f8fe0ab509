package org.layerprune.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

class BoolqPromptTest {

    private static final Path FILE = Path.of("val.jsonl");
    private static final ToIntFunction<String> NO_LIMIT = s -> 0;

    private static final BoolqExample E = example("is the sky blue", "The sky is blue on a clear day.", true, 1);
    private static final List<BoolqExample> TRAIN = List.of(
            example("is water wet", "Water is a liquid.", true, 1),
            example("is fire cold", "Fire is hot.", false, 2),
            example("is ice hot", "Ice is frozen water.", false, 3));

    @Test
    void writesTheZeroShotPromptAsLmEvalHarnessDoes() {
        ChoiceRequest request = BoolqPrompt.request(E, List.of(), 0, NO_LIMIT, 2048);
        assertEquals("The sky is blue on a clear day.\nQuestion: is the sky blue?\nAnswer:", request.context());
        assertEquals(List.of(" no", " yes"), request.continuations());
        assertEquals("boolq", request.group());
        assertEquals(0, request.shotsDropped());
    }

    @Test
    void makesYesTheGoldContinuationOfATrueAnswerAndNoOfAFalseOne() {
        assertEquals(1, BoolqPrompt.request(E, List.of(), 0, NO_LIMIT, 2048).gold());
        assertEquals(0, BoolqPrompt.request(TRAIN.get(1), List.of(), 0, NO_LIMIT, 2048).gold());
    }

    @Test
    void writesTheTwoShotPromptWithTheFirstTwoExamplesAndNoDescription() {
        ChoiceRequest request = BoolqPrompt.request(E, TRAIN, 2, NO_LIMIT, 2048);
        assertEquals("Water is a liquid.\nQuestion: is water wet?\nAnswer: yes\n\n"
                        + "Fire is hot.\nQuestion: is fire cold?\nAnswer: no\n\n"
                        + "The sky is blue on a clear day.\nQuestion: is the sky blue?\nAnswer:",
                request.context());
    }

    @Test
    void neverTakesTheExampleItselfAsAShot() {
        ChoiceRequest request = BoolqPrompt.request(TRAIN.get(0), TRAIN, 1, NO_LIMIT, 2048);
        assertEquals(BoolqPrompt.context(List.of(TRAIN.get(1)), TRAIN.get(0)), request.context());
    }

    @Test
    void usesEveryExampleWhenThereAreFewerThanAskedFor() {
        ChoiceRequest request = BoolqPrompt.request(E, TRAIN, 8, NO_LIMIT, 2048);
        assertEquals(BoolqPrompt.context(TRAIN, E), request.context());
        assertEquals(0, request.shotsDropped());
    }

    @Test
    void measuresThePromptWithItsLongestContinuation() {
        // one token per character: the 1-shot prompt fits with " no" (3) but not with " yes" (4)
        int withNo = (BoolqPrompt.context(TRAIN.subList(0, 1), E) + " no").length();
        ChoiceRequest request = BoolqPrompt.request(E, TRAIN, 1, String::length, withNo);
        assertEquals(BoolqPrompt.question(E), request.context());
        assertEquals(1, request.shotsDropped());

        ChoiceRequest fits = BoolqPrompt.request(E, TRAIN, 1, String::length, withNo + 1);
        assertEquals(0, fits.shotsDropped());
    }

    @Test
    void dropsShotsFromTheEndUntilThePromptFits() {
        ToIntFunction<String> quarterChars = s -> s.length() / 4;
        int twoShots = quarterChars.applyAsInt(BoolqPrompt.context(TRAIN.subList(0, 2), E) + " yes");
        ChoiceRequest request = BoolqPrompt.request(E, TRAIN, 3, quarterChars, twoShots);
        assertEquals(BoolqPrompt.context(TRAIN.subList(0, 2), E), request.context());
        assertEquals(1, request.shotsDropped());
    }

    private static BoolqExample example(String question, String passage, boolean answer, long line) {
        return new BoolqExample(question, passage, answer, FILE, line);
    }
}
