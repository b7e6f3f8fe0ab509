package org.layerprune.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MmluDataTest {

    private static final ToIntFunction<String> NO_LIMIT = s -> 0;
    private static final String GOOD_ROW = "What is 1+1?,1,2,3,4,B";

    @TempDir Path dir;

    @Test
    void readsAHendrycksDirectoryWithSubjectsSortedAndDevInFileOrder() throws IOException {
        Path mmlu = hendrycks("college_biology", "astronomy");
        MmluData data = MmluData.read(mmlu, Optional.empty(), BadRowPolicy.STOP);

        assertEquals(List.of("astronomy", "college_biology"), data.subjects());
        assertEquals(6, data.size());
        MmluQuestion first = data.questions("astronomy").get(0);
        assertEquals(new MmluQuestion("astronomy", "astronomy test 1?", List.of("a1", "b1", "c1", "d1"), 1,
                mmlu.resolve("test/astronomy_test.csv"), 1), first);
        assertEquals(List.of("astronomy dev 1?", "astronomy dev 2?", "astronomy dev 3?", "astronomy dev 4?",
                        "astronomy dev 5?"),
                data.dev("astronomy").stream().map(MmluQuestion::question).toList());
        assertEquals(List.of(), data.skipped());
    }

    @Test
    void makesFiveShotRequestsFromTheDevDirectory() throws IOException {
        MmluData data = MmluData.read(hendrycks("college_biology", "astronomy"), Optional.empty(), BadRowPolicy.STOP);
        List<ChoiceRequest> requests = data.requests(5, NO_LIMIT, 4096);

        assertEquals(6, requests.size());
        assertEquals(List.of("astronomy", "astronomy", "astronomy", "college_biology", "college_biology",
                "college_biology"), requests.stream().map(ChoiceRequest::group).toList());
        MmluQuestion q = data.questions("college_biology").get(2);
        assertEquals(MmluPrompt.context("college_biology", data.dev("college_biology"), q),
                requests.get(5).context());
        assertTrue(requests.get(5).context().startsWith(
                "The following are multiple choice questions (with answers) about college biology.\n\n"
                        + "college_biology dev 1?\nA. a1\nB. b1\nC. c1\nD. d1\nAnswer: B\n\n"));
    }

    @Test
    void readsTheValSplitWhenAskedFor() throws IOException {
        Path mmlu = hendrycks("astronomy");
        EvalTestFiles.write(mmlu.resolve("val/astronomy_val.csv"), "val question?,w,x,y,z,D");
        MmluData data = MmluData.read(mmlu, Optional.empty(), "val", BadRowPolicy.STOP);
        assertEquals("val question?", data.questions("astronomy").get(0).question());
        assertEquals(3, data.questions("astronomy").get(0).answer());
    }

    @Test
    void keepsTheLineAQuotedMultiLineRowStartsOn() throws IOException {
        Path test = EvalTestFiles.write(dir.resolve("mmlu/test/law_test.csv"),
                "\"Which, of these\nis \"\"right\"\"?\",\"a, b\",\"c\nd\",e,f,C",
                GOOD_ROW);
        MmluData data = MmluData.read(dir.resolve("mmlu"), Optional.empty(), BadRowPolicy.STOP);
        List<MmluQuestion> law = data.questions("law");
        assertEquals(new MmluQuestion("law", "Which, of these\nis \"right\"?", List.of("a, b", "c\nd", "e", "f"), 2,
                test, 1), law.get(0));
        assertEquals(4, law.get(1).line());
    }

    @Test
    void readsTheJsonLinesLayoutWithASeparateDevFile() throws IOException {
        Path test = EvalTestFiles.write(dir.resolve("test.jsonl"),
                json("virology", "Virus?", 0),
                "",
                json("anatomy", "Bone?", 3),
                json("virology", "Cell?", 2));
        Path dev = EvalTestFiles.gzip(dir.resolve("dev.jsonl.gz"),
                json("virology", "Dev one?", 1), json("anatomy", "Dev two?", 0), json("virology", "Dev three?", 2));
        MmluData data = MmluData.read(test, Optional.of(dev), BadRowPolicy.STOP);

        assertEquals(List.of("anatomy", "virology"), data.subjects());
        assertEquals(new MmluQuestion("virology", "Cell?", List.of("w", "x", "y", "z"), 2, test, 4),
                data.questions("virology").get(1));
        assertEquals(List.of("Dev one?", "Dev three?"),
                data.dev("virology").stream().map(MmluQuestion::question).toList());
        assertEquals(3, data.dev("virology").get(1).line());
        assertEquals(MmluPrompt.context("virology", data.dev("virology"), data.questions("virology").get(0)),
                data.requests(5, NO_LIMIT, 4096).get(1).context());
    }

    @Test
    void servesZeroShotWithoutFewShotDataButRefusesShots() throws IOException {
        Path test = EvalTestFiles.write(dir.resolve("test.jsonl"), json("virology", "Virus?", 0));
        MmluData data = MmluData.read(test, Optional.empty(), BadRowPolicy.STOP);
        assertEquals(1, data.requests(0, NO_LIMIT, 4096).size());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> data.requests(5, NO_LIMIT, 4096));
        assertTrue(e.getMessage().contains(test.toString()), e.getMessage());
    }

    @Test
    void refusesShotsForASubjectWithoutDevQuestionsNamingTheDevDirectory() throws IOException {
        Path mmlu = hendrycks("astronomy");
        EvalTestFiles.write(mmlu.resolve("test/virology_test.csv"), GOOD_ROW);
        MmluData data = MmluData.read(mmlu, Optional.empty(), BadRowPolicy.STOP);
        EvalDataException e = assertThrows(EvalDataException.class, () -> data.requests(5, NO_LIMIT, 4096));
        assertEquals(mmlu.resolve("dev") + ": no dev questions about virology; 5-shot needs them", e.getMessage());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "What?,1,2,3,B                  | 5 columns, expected 6: question, A, B, C, D, answer",
        "What?,1,2,3,4,5,B              | 7 columns, expected 6: question, A, B, C, D, answer",
        "What?,1,2,3,4,E                | answer \"E\" is not one of A, B, C, D",
        "What?,1,2,3,4,b                | answer \"b\" is not one of A, B, C, D",
        "What?,1,2,3,4,                 | answer \"\" is not one of A, B, C, D",
        "'  ,1,2,3,4,A'                 | empty question",
        "'\"What\"?,1,2,3,4,A'          | malformed CSV: text after the closing quote of field 1",
    })
    void handlesAMalformedCsvRowByThePolicy(String row, String reason) throws IOException {
        Path file = EvalTestFiles.write(dir.resolve("mmlu/test/anatomy_test.csv"), GOOD_ROW, row, GOOD_ROW);

        EvalDataException stop = assertThrows(EvalDataException.class,
                () -> MmluData.read(dir.resolve("mmlu"), Optional.empty(), BadRowPolicy.STOP));
        assertEquals(file + ":2: " + reason, stop.getMessage());
        assertEquals(2, stop.line());

        MmluData skip = MmluData.read(dir.resolve("mmlu"), Optional.empty(), BadRowPolicy.SKIP);
        assertEquals(List.of(1L, 3L), skip.questions("anatomy").stream().map(MmluQuestion::line).toList());
        assertEquals(List.of(new SkippedRow(file, 2, reason)), skip.skipped());
    }

    @Test
    void handlesAQuotedFieldLeftOpenByThePolicy() throws IOException {
        Path file = EvalTestFiles.write(dir.resolve("mmlu/test/anatomy_test.csv"), GOOD_ROW, "\"What?,1,2,3,4,A",
                GOOD_ROW);
        EvalDataException stop = assertThrows(EvalDataException.class,
                () -> MmluData.read(dir.resolve("mmlu"), Optional.empty(), BadRowPolicy.STOP));
        assertEquals(file + ":2: malformed CSV: the quoted field 1 is never closed", stop.getMessage());

        MmluData skip = MmluData.read(dir.resolve("mmlu"), Optional.empty(), BadRowPolicy.SKIP);
        assertEquals(1, skip.size());
        assertEquals(1, skip.skipped().size());
    }

    /** Rows with ' for ", to keep them readable. */
    static Stream<Arguments> malformedJsonRows() {
        String choices = "'choices': ['a', 'b', 'c', 'd']";
        return Stream.of(
                bad("{'subject': 'anatomy', 'question': 'Q?', 'choices': ['a'",
                        "malformed JSON: Unexpected end-of-input"),
                bad("[1, 2]", "not a JSON object"),
                bad("{'subject': 'anatomy', 'subject': 'law', 'question': 'Q?', " + choices + ", 'answer': 0}",
                        "malformed JSON: Duplicate field"),
                bad("{'question': 'Q?', " + choices + ", 'answer': 0}", "no 'subject'"),
                bad("{'subject': '', 'question': 'Q?', " + choices + ", 'answer': 0}", "empty subject"),
                bad("{'subject': 'anatomy', " + choices + ", 'answer': 0}", "no 'question'"),
                bad("{'subject': 'anatomy', 'question': null, " + choices + ", 'answer': 0}", "no 'question'"),
                bad("{'subject': 'anatomy', 'question': 7, " + choices + ", 'answer': 0}",
                        "'question' is not a string: 7"),
                bad("{'subject': 'anatomy', 'question': ' ', " + choices + ", 'answer': 0}", "empty question"),
                bad("{'subject': 'anatomy', 'question': 'Q?', 'answer': 0}", "no 'choices'"),
                bad("{'subject': 'anatomy', 'question': 'Q?', 'choices': ['a', 'b', 'c'], 'answer': 0}",
                        "'choices' is not an array of 4 strings: ['a','b','c']"),
                bad("{'subject': 'anatomy', 'question': 'Q?', 'choices': ['a', 'b', 'c', 4], 'answer': 0}",
                        "'choices' is not an array of 4 strings: ['a','b','c',4]"),
                bad("{'subject': 'anatomy', 'question': 'Q?', " + choices + "}", "no 'answer'"),
                bad("{'subject': 'anatomy', 'question': 'Q?', " + choices + ", 'answer': 4}",
                        "answer 4 is not one of 0, 1, 2, 3"),
                bad("{'subject': 'anatomy', 'question': 'Q?', " + choices + ", 'answer': -1}",
                        "answer -1 is not one of 0, 1, 2, 3"),
                bad("{'subject': 'anatomy', 'question': 'Q?', " + choices + ", 'answer': 'A'}",
                        "answer 'A' is not one of 0, 1, 2, 3"),
                bad("{'subject': 'anatomy', 'question': 'Q?', " + choices + ", 'answer': 1.0}",
                        "answer 1.0 is not one of 0, 1, 2, 3"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformedJsonRows")
    void handlesAMalformedJsonRowByThePolicy(String row, String reason) throws IOException {
        String good = json("anatomy", "Good?", 1);
        Path file = EvalTestFiles.write(dir.resolve("test.jsonl"), good, row, good);

        EvalDataException stop = assertThrows(EvalDataException.class,
                () -> MmluData.read(file, Optional.empty(), BadRowPolicy.STOP));
        assertTrue(stop.getMessage().startsWith(file + ":2: " + reason), stop.getMessage());

        MmluData skip = MmluData.read(file, Optional.empty(), BadRowPolicy.SKIP);
        assertEquals(List.of(1L, 3L), skip.questions("anatomy").stream().map(MmluQuestion::line).toList());
        assertEquals(1, skip.skipped().size());
        assertEquals(2, skip.skipped().get(0).line());
        assertTrue(skip.skipped().get(0).reason().startsWith(reason), skip.skipped().get(0).reason());
    }

    @Test
    void reportsSkippedDevRowsWithTheEvaluatedOnes() throws IOException {
        Path test = EvalTestFiles.write(dir.resolve("test.jsonl"), json("anatomy", "Q?", 1), "not json");
        Path dev = EvalTestFiles.write(dir.resolve("dev.jsonl"), "{}", json("anatomy", "Dev?", 0));
        MmluData data = MmluData.read(test, Optional.of(dev), BadRowPolicy.SKIP);
        assertEquals(List.of(test + ":2", dev + ":1"),
                data.skipped().stream().map(s -> s.file() + ":" + s.line()).toList());
        assertEquals(1, data.dev("anatomy").size());
    }

    @Test
    void namesAMissingDirectoryOrFile() {
        Path missing = dir.resolve("nowhere");
        EvalDataException e = assertThrows(EvalDataException.class,
                () -> MmluData.read(missing, Optional.empty(), BadRowPolicy.STOP));
        assertEquals(missing + ": no such file or directory", e.getMessage());

        Path missingDev = dir.resolve("dev.jsonl");
        e = assertThrows(EvalDataException.class, () -> MmluData.read(
                EvalTestFiles.write(dir.resolve("test.jsonl"), json("anatomy", "Q?", 0)), Optional.of(missingDev),
                BadRowPolicy.STOP));
        assertEquals(missingDev + ": no such file", e.getMessage());
    }

    @Test
    void namesAHendrycksDirectoryWithoutTheSplit() throws IOException {
        Files.createDirectories(dir.resolve("mmlu/dev"));
        EvalDataException e = assertThrows(EvalDataException.class,
                () -> MmluData.read(dir.resolve("mmlu"), Optional.empty(), BadRowPolicy.STOP));
        assertEquals(dir.resolve("mmlu/test"), e.file());
        assertTrue(e.getMessage().contains("no such directory"), e.getMessage());
    }

    @Test
    void namesASplitDirectoryWithoutSubjectFiles() throws IOException {
        EvalTestFiles.write(dir.resolve("mmlu/test/README.txt"), "not a subject");
        EvalTestFiles.write(dir.resolve("mmlu/test/anatomy_dev.csv"), GOOD_ROW);
        EvalDataException e = assertThrows(EvalDataException.class,
                () -> MmluData.read(dir.resolve("mmlu"), Optional.empty(), BadRowPolicy.STOP));
        assertEquals(dir.resolve("mmlu/test") + ": no {subject}_test.csv files", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json"})
    void namesAFileWithNoQuestions(String only) throws IOException {
        Path file = EvalTestFiles.write(dir.resolve("test.jsonl"), only);
        EvalDataException e = assertThrows(EvalDataException.class,
                () -> MmluData.read(file, Optional.empty(), BadRowPolicy.SKIP));
        assertEquals(file + ": no questions" + (only.isEmpty() ? "" : " (1 malformed rows skipped)"),
                e.getMessage());
    }

    @Test
    void refusesSeparateFewShotDataForADirectoryAndAnUnknownSplit() throws IOException {
        Path mmlu = hendrycks("astronomy");
        assertThrows(IllegalArgumentException.class,
                () -> MmluData.read(mmlu, Optional.of(dir.resolve("dev.jsonl")), BadRowPolicy.STOP));
        assertThrows(IllegalArgumentException.class,
                () -> MmluData.read(mmlu, Optional.empty(), "dev", BadRowPolicy.STOP));
    }

    /** Hendrycks' layout: per subject, 5 dev rows and 3 test rows, answers cycling A, B, C, D. */
    private Path hendrycks(String... subjects) throws IOException {
        Path mmlu = dir.resolve("mmlu");
        for (String subject : subjects) {
            EvalTestFiles.write(mmlu.resolve("dev/" + subject + "_dev.csv"), rows(subject + " dev", 5));
            EvalTestFiles.write(mmlu.resolve("test/" + subject + "_test.csv"), rows(subject + " test", 3));
        }
        return mmlu;
    }

    private static String[] rows(String prefix, int n) {
        return IntStream.rangeClosed(1, n)
                .mapToObj(i -> prefix + " " + i + "?,a" + i + ",b" + i + ",c" + i + ",d" + i + ","
                        + "ABCD".charAt(i % 4))
                .toArray(String[]::new);
    }

    private static Arguments bad(String row, String reason) {
        return Arguments.of(row.replace('\'', '"'), reason.replace('\'', '"'));
    }

    private static String json(String subject, String question, int answer) {
        return "{\"subject\": \"" + subject + "\", \"question\": \"" + question
                + "\", \"choices\": [\"w\", \"x\", \"y\", \"z\"], \"answer\": " + answer + "}";
    }
}
