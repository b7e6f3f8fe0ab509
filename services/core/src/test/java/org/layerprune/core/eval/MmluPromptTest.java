package org.layerprune.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

class MmluPromptTest {

    private static final Path FILE = Path.of("high_school_physics_test.csv");
    private static final ToIntFunction<String> NO_LIMIT = s -> 0;
    /** A stand-in tokenizer: one token per four characters. */
    private static final ToIntFunction<String> QUARTER_CHARS = s -> s.length() / 4;

    private static final MmluQuestion Q = question("  What is 1+1?\n", 1, "1", "2", "3", "4");
    private static final List<MmluQuestion> DEV = List.of(
            question("Unit of force?", 0, "newton", "joule", "watt", "pascal"),
            question("Speed of light, roughly?", 3, "3 m/s", "300 m/s", "3e5 m/s", "3e8 m/s"),
            question("Unit of energy?", 1, "newton", "joule", "watt", "pascal"),
            question("Unit of power?", 2, "newton", "joule", "watt", "pascal"),
            question("Unit of pressure?", 3, "newton", "joule", "watt", "pascal"));

    @Test
    void writesTheZeroShotPromptAsLmEvalHarnessDoes() {
        ChoiceRequest request = MmluPrompt.request(Q, DEV, 0, NO_LIMIT, 2048);
        assertEquals("The following are multiple choice questions (with answers) about high school physics.\n\n"
                        + "What is 1+1?\nA. 1\nB. 2\nC. 3\nD. 4\nAnswer:",
                request.context());
        assertEquals(List.of(" A", " B", " C", " D"), request.continuations());
        assertEquals(1, request.gold());
        assertEquals("high_school_physics", request.group());
        assertEquals(0, request.shotsDropped());
    }

    @Test
    void writesTheTwoShotPromptWithTheFirstTwoDevQuestionsInFileOrder() {
        ChoiceRequest request = MmluPrompt.request(Q, DEV, 2, NO_LIMIT, 2048);
        assertEquals("The following are multiple choice questions (with answers) about high school physics.\n\n"
                        + "Unit of force?\nA. newton\nB. joule\nC. watt\nD. pascal\nAnswer: A\n\n"
                        + "Speed of light, roughly?\nA. 3 m/s\nB. 300 m/s\nC. 3e5 m/s\nD. 3e8 m/s\nAnswer: D\n\n"
                        + "What is 1+1?\nA. 1\nB. 2\nC. 3\nD. 4\nAnswer:",
                request.context());
        assertEquals(0, request.shotsDropped());
    }

    @Test
    void describesTheSubjectWithUnderscoresAsSpaces() {
        assertEquals("The following are multiple choice questions (with answers) about college computer science.\n\n",
                MmluPrompt.description("college_computer_science"));
    }

    @Test
    void stripsTheQuestionAsPythonDoesButNotTheChoices() {
        MmluQuestion q = question("\u00A0\u202F Why?\t\r\n\u0085", 0, " a ", "b", "c", "d");
        assertEquals("Why?\nA.  a \nB. b\nC. c\nD. d\nAnswer:", MmluPrompt.question(q));
    }

    @Test
    void stripsExactlyThePythonWhitespaceCharacters() {
        // Python: [c for c in map(chr, range(0x10000)) if c.isspace()]
        String python = "\t\n\u000B\f\r\u001C\u001D\u001E\u001F \u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004"
                + "\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000";
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            String s = c + "x" + c;
            assertEquals(python.indexOf(c) >= 0 ? "x" : s, MmluPrompt.pythonStrip(s), "U+" + Integer.toHexString(c));
        }
    }

    @Test
    void writesEachShotAsQuestionSpaceLetterAndABlankLine() {
        assertEquals("Unit of energy?\nA. newton\nB. joule\nC. watt\nD. pascal\nAnswer: B\n\n",
                MmluPrompt.shot(DEV.get(2)));
    }

    @Test
    void usesEveryDevQuestionWhenThereAreFewerThanAskedForWithoutCountingThemDropped() {
        ChoiceRequest request = MmluPrompt.request(Q, DEV.subList(0, 3), 5, NO_LIMIT, 2048);
        assertEquals(MmluPrompt.context("high_school_physics", DEV.subList(0, 3), Q), request.context());
        assertEquals(0, request.shotsDropped());
    }

    @Test
    void dropsExactlyTheShotsThatDoNotFitFromTheEnd() {
        int threeShots = QUARTER_CHARS.applyAsInt(MmluPrompt.context("high_school_physics", DEV.subList(0, 3), Q)
                + " A");
        ChoiceRequest fits = MmluPrompt.request(Q, DEV, 5, QUARTER_CHARS, threeShots);
        assertEquals(MmluPrompt.context("high_school_physics", DEV.subList(0, 3), Q), fits.context());
        assertEquals(2, fits.shotsDropped());

        ChoiceRequest oneTokenShort = MmluPrompt.request(Q, DEV, 5, QUARTER_CHARS, threeShots - 1);
        assertEquals(MmluPrompt.context("high_school_physics", DEV.subList(0, 2), Q), oneTokenShort.context());
        assertEquals(3, oneTokenShort.shotsDropped());
    }

    @Test
    void keepsTheZeroShotPromptWhenEvenThatDoesNotFit() {
        ChoiceRequest request = MmluPrompt.request(Q, DEV, 5, QUARTER_CHARS, 1);
        assertEquals(MmluPrompt.context("high_school_physics", List.of(), Q), request.context());
        assertEquals(5, request.shotsDropped());
    }

    @Test
    void refusesAShotFromAnotherSubject() {
        MmluQuestion astronomy = new MmluQuestion("astronomy", "Sun?", List.of("a", "b", "c", "d"), 0, FILE, 1);
        assertThrows(IllegalArgumentException.class,
                () -> MmluPrompt.request(Q, List.of(astronomy), 1, NO_LIMIT, 2048));
    }

    private static MmluQuestion question(String text, int answer, String a, String b, String c, String d) {
        return new MmluQuestion("high_school_physics", text, List.of(a, b, c, d), answer, FILE, 1);
    }
}
