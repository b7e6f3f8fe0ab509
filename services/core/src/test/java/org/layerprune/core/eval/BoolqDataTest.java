package org.layerprune.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BoolqDataTest {

    private static final String GOOD = "{\"question\": \"is it\", \"passage\": \"It is.\", \"idx\": 0, \"label\": 1}";

    @TempDir Path dir;

    @Test
    void readsSuperGlueRowsWithLabelsZeroAndOne() throws IOException {
        Path file = EvalTestFiles.write(dir.resolve("val.jsonl"),
                "{\"question\": \"do iran and afghanistan speak the same language\", \"passage\": \"Persian...\","
                        + " \"idx\": 0, \"label\": 1}",
                "",
                "{\"question\": \"is the sun cold\", \"passage\": \"The Sun is hot.\", \"idx\": 1, \"label\": 0}");
        BoolqData data = BoolqData.read(file, BadRowPolicy.STOP);
        assertEquals(List.of(
                        new BoolqExample(
                                "do iran and afghanistan speak the same language", "Persian...", true, file, 1),
                        new BoolqExample("is the sun cold", "The Sun is hot.", false, file, 3)),
                data.examples());
        assertEquals(List.of(), data.skipped());
    }

    @Test
    void readsSuperGlueZipRowsWithBooleanLabels() throws IOException {
        Path file = EvalTestFiles.write(dir.resolve("val.jsonl"),
                "{\"question\": \"q\", \"passage\": \"p\", \"idx\": 0, \"label\": true}",
                "{\"question\": \"q\", \"passage\": \"p\", \"idx\": 1, \"label\": false}");
        assertEquals(List.of(true, false),
                BoolqData.read(file, BadRowPolicy.STOP).examples().stream().map(BoolqExample::answer).toList());
    }

    @Test
    void readsTheOriginalLayoutGzippedWithTrueAndFalseAnswers() throws IOException {
        Path file = EvalTestFiles.gzip(dir.resolve("dev.jsonl.gz"),
                "{\"question\": \"is it\", \"title\": \"T\", \"answer\": true, \"passage\": \"It is.\"}",
                "{\"question\": \"is it not\", \"title\": \"T\", \"answer\": false, \"passage\": \"It is.\"}");
        assertEquals(List.of(new BoolqExample("is it", "It is.", true, file, 1),
                        new BoolqExample("is it not", "It is.", false, file, 2)),
                BoolqData.read(file, BadRowPolicy.STOP).examples());
    }

    @Test
    void makesOneRequestPerExampleWithTheGoldIndex() throws IOException {
        Path file = EvalTestFiles.write(dir.resolve("val.jsonl"), GOOD,
                "{\"question\": \"is it not\", \"passage\": \"It is.\", \"idx\": 1, \"label\": 0}");
        List<ChoiceRequest> requests = BoolqData.read(file, BadRowPolicy.STOP).requests(List.of(), 0, s -> 0, 2048);
        assertEquals(List.of(1, 0), requests.stream().map(ChoiceRequest::gold).toList());
        assertEquals("It is.\nQuestion: is it not?\nAnswer:", requests.get(1).context());
    }

    @Test
    void refusesShotsWithoutExamplesToTakeThemFrom() throws IOException {
        BoolqData data = BoolqData.read(EvalTestFiles.write(dir.resolve("val.jsonl"), GOOD), BadRowPolicy.STOP);
        assertThrows(IllegalArgumentException.class, () -> data.requests(List.of(), 2, s -> 0, 2048));
    }

    /** Rows with ' for ", to keep them readable. */
    static Stream<Arguments> malformedRows() {
        return Stream.of(
                bad("{'question': 'q', 'passage':", "malformed JSON"),
                bad("'just a string'", "not a JSON object"),
                bad("{'passage': 'p', 'label': 1}", "no 'question'"),
                bad("{'question': 'q', 'label': 1}", "no 'passage'"),
                bad("{'question': '', 'passage': 'p', 'label': 1}", "empty question"),
                bad("{'question': 'q', 'passage': ' ', 'label': 1}", "empty passage"),
                bad("{'question': 'q', 'passage': 'p', 'idx': 3}", "neither 'label' nor 'answer'"),
                bad("{'question': 'q', 'passage': 'p', 'label': 2}", "label 2 is not 0 or 1"),
                bad("{'question': 'q', 'passage': 'p', 'label': -1}", "label -1 is not 0 or 1"),
                bad("{'question': 'q', 'passage': 'p', 'label': '1'}", "label '1' is not 0 or 1"),
                bad("{'question': 'q', 'passage': 'p', 'answer': 'true'}", "answer 'true' is not true or false"),
                bad("{'question': 'q', 'passage': 'p', 'answer': 1}", "answer 1 is not true or false"),
                bad("{'question': 'q', 'passage': 'p', 'label': 0, 'answer': true}",
                        "'label' 0 and 'answer' true disagree"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformedRows")
    void handlesAMalformedRowByThePolicy(String row, String reason) throws IOException {
        Path file = EvalTestFiles.write(dir.resolve("val.jsonl"), GOOD, row, GOOD);

        EvalDataException stop =
                assertThrows(EvalDataException.class, () -> BoolqData.read(file, BadRowPolicy.STOP));
        assertTrue(stop.getMessage().startsWith(file + ":2: " + reason), stop.getMessage());
        assertEquals(2, stop.line());

        BoolqData skip = BoolqData.read(file, BadRowPolicy.SKIP);
        assertEquals(List.of(1L, 3L), skip.examples().stream().map(BoolqExample::line).toList());
        assertEquals(1, skip.skipped().size());
        assertEquals(2, skip.skipped().get(0).line());
        assertTrue(skip.skipped().get(0).reason().startsWith(reason), skip.skipped().get(0).reason());
    }

    @Test
    void namesAMissingFileAndAFileWithoutExamples() throws IOException {
        Path missing = dir.resolve("missing.jsonl");
        assertEquals(missing + ": no such file",
                assertThrows(EvalDataException.class, () -> BoolqData.read(missing, BadRowPolicy.STOP)).getMessage());

        Path unlabelled = EvalTestFiles.write(dir.resolve("test.jsonl"),
                "{\"question\": \"q\", \"passage\": \"p\", \"idx\": 0, \"label\": -1}");
        assertEquals(unlabelled + ": no examples (1 malformed rows skipped)",
                assertThrows(EvalDataException.class, () -> BoolqData.read(unlabelled, BadRowPolicy.SKIP))
                        .getMessage());
    }

    private static Arguments bad(String row, String reason) {
        return Arguments.of(row.replace('\'', '"'), reason.replace('\'', '"'));
    }
}
