package org.layerprune.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerprune.core.tokenizer.TokenizerFixtures.BOS;
import static org.layerprune.core.tokenizer.TokenizerFixtures.id;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.tokenizer.Tokenizer;
import org.layerprune.core.tokenizer.TokenizerFixtures;

class JsonlDatasetTest {

    @TempDir Path dir;

    @Test
    void streamsInputIdsInFileOrderWithTheirLineNumbers() throws IOException {
        Path file = write("ids.jsonl", "{\"input_ids\": [1, 5, 6]}", "{\"input_ids\": [1, 7]}");
        assertEquals(
                List.of(new Sequence(1, new int[] {1, 5, 6}), new Sequence(2, new int[] {1, 7})),
                all(JsonlDataset.of(file)));
    }

    @Test
    void skipsBlankLinesButCountsThemInLineNumbers() throws IOException {
        Path file =
                write("blank.jsonl", "", "{\"input_ids\": [4]}", "   ", "{\"input_ids\": [5]}", "");
        assertEquals(
                List.of(new Sequence(2, new int[] {4}), new Sequence(4, new int[] {5})),
                all(JsonlDataset.of(file)));
    }

    @Test
    void readsGzipByItsMagicBytesWhateverTheFileName() throws IOException {
        String[] lines = {"{\"input_ids\": [3, 1, 4]}", "{\"input_ids\": [1, 5]}"};
        List<Sequence> plain = all(JsonlDataset.of(write("plain.jsonl", lines)));
        for (String name : List.of("a.jsonl.gz", "b.json.gz", "gzipped-but-named.jsonl")) {
            assertEquals(plain, all(JsonlDataset.of(gzip(name, lines))), name);
        }
        assertEquals(plain, all(JsonlDataset.of(write("plain-but-named.jsonl.gz", lines))));
    }

    @Test
    void encodesTextLinesWithTheTokenizerIgnoringOtherFields() throws IOException {
        Path file = write("c4.jsonl", "{\"text\": \"the cat sat\", \"url\": \"https://x\"}");
        try (Tokenizer tokenizer = TokenizerFixtures.bosAddingTokenizer(dir)) {
            List<Sequence> sequences = all(JsonlDataset.of(file).withTokenizer(tokenizer));
            assertArrayEquals(
                    new int[] {BOS, id("the"), id("cat"), id("sat")}, sequences.get(0).ids());
        }
    }

    @Test
    void usesInputIdsWhenALineAlsoHasText() throws IOException {
        Path file = write("both.jsonl", "{\"text\": \"the cat\", \"input_ids\": [9, 9]}");
        assertArrayEquals(new int[] {9, 9}, all(JsonlDataset.of(file)).get(0).ids());
    }

    @Test
    void truncatesEverySequenceToMaxLength() throws IOException {
        Path file =
                write(
                        "long.jsonl",
                        "{\"input_ids\": [1, 2, 3, 4, 5]}",
                        "{\"input_ids\": [6, 7]}",
                        "{\"input_ids\": [8, 9, 10]}");
        List<Sequence> sequences = all(JsonlDataset.of(file).withMaxLength(3));
        assertArrayEquals(new int[] {1, 2, 3}, sequences.get(0).ids());
        assertArrayEquals(new int[] {6, 7}, sequences.get(1).ids());
        assertArrayEquals(new int[] {8, 9, 10}, sequences.get(2).ids());
    }

    @Test
    void limitKeepsTheFirstSequences() throws IOException {
        Path file = idsFile(10);
        List<Sequence> sequences = all(JsonlDataset.of(file).withLimit(4));
        assertEquals(List.of(1, 2, 3, 4), sequences.stream().map(Sequence::line).toList());
    }

    @Test
    void readsOnlyAsFarAsTheStreamIsConsumed() throws IOException {
        Path file =
                write("late-error.jsonl", "{\"input_ids\": [1]}", "{\"input_ids\": [2]}", "{oops");
        try (Stream<Sequence> sequences = JsonlDataset.of(file).stream()) {
            assertEquals(2, sequences.limit(2).count());
        }
        assertEquals(2, all(JsonlDataset.of(file).withLimit(2)).size());
        assertThrows(DatasetException.class, () -> all(JsonlDataset.of(file)));
    }

    @Test
    void reportsFileAndLineOfMalformedJson() throws IOException {
        Path file = write("bad.jsonl", "{\"input_ids\": [1]}", "", "{\"input_ids\": [1, }");
        DatasetException e = assertThrows(DatasetException.class, () -> all(JsonlDataset.of(file)));
        assertEquals(file, e.file());
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith(file + ":3: malformed JSON"), e.getMessage());
    }

    @Test
    void reportsALineWithNeitherTextNorInputIds() throws IOException {
        Path file = write("neither.jsonl", "{\"input_ids\": [1]}", "{\"content\": \"hello\"}");
        DatasetException e = assertThrows(DatasetException.class, () -> all(JsonlDataset.of(file)));
        assertEquals(2, e.line());
    }

    @Test
    void reportsInputIdsThatAreNotTokenIds() throws IOException {
        for (String ids : List.of("[1, 2.5]", "[-1]", "[]", "\"1 2\"", "[1, 3000000000]")) {
            Path file = write("ids.jsonl", "{\"input_ids\": " + ids + "}");
            DatasetException e =
                    assertThrows(DatasetException.class, () -> all(JsonlDataset.of(file)), ids);
            assertEquals(1, e.line(), ids);
        }
    }

    @Test
    void rejectsMixingTextAndInputIdsNamingTheLine() throws IOException {
        Path file =
                write(
                        "mixed.jsonl",
                        "{\"text\": \"the cat\"}",
                        "{\"text\": \"a dog\"}",
                        "{\"input_ids\": [1, 3]}");
        try (Tokenizer tokenizer = TokenizerFixtures.bosAddingTokenizer(dir)) {
            DatasetException e =
                    assertThrows(
                            DatasetException.class,
                            () -> all(JsonlDataset.of(file).withTokenizer(tokenizer)));
            assertEquals(3, e.line());
            assertTrue(e.getMessage().contains("do not mix"), e.getMessage());
        }
    }

    @Test
    void reportsFileAndLineOfTextWhenThereIsNoTokenizer() throws IOException {
        Path file = write("text.jsonl", "", "{\"text\": \"the cat\"}");
        DatasetException e = assertThrows(DatasetException.class, () -> all(JsonlDataset.of(file)));
        assertEquals(file, e.file());
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("tokenizer"), e.getMessage());
        assertThrows(DatasetException.class, () -> JsonlDataset.of(file).sample(1, 0));
    }

    @Test
    void samplingWithTheSameSeedPicksTheSameSequences() throws IOException {
        JsonlDataset dataset = JsonlDataset.of(idsFile(100));
        List<Sequence> once = dataset.sample(10, 2024);
        assertEquals(once, dataset.sample(10, 2024));
        assertEquals(once, JsonlDataset.of(gzip("same.jsonl.gz", idsLines(100))).sample(10, 2024));
        assertNotEquals(lines(once), lines(dataset.sample(10, 2025)));
    }

    @Test
    void samplingReturnsDistinctSequencesInFileOrder() throws IOException {
        List<Integer> chosen = lines(JsonlDataset.of(idsFile(100)).sample(20, 7));
        assertEquals(20, chosen.size());
        assertEquals(chosen.stream().sorted().distinct().toList(), chosen);
    }

    @Test
    void samplingPicksTheSameLinesWhateverTheMaxLength() throws IOException {
        JsonlDataset dataset = JsonlDataset.of(idsFile(50));
        List<Sequence> full = dataset.sample(5, 11);
        List<Sequence> cut = dataset.withMaxLength(1).sample(5, 11);
        assertEquals(lines(full), lines(cut));
        cut.forEach(sequence -> assertEquals(1, sequence.ids().length));
    }

    @Test
    void samplingDrawsOnlyFromTheLimitedLines() throws IOException {
        List<Integer> chosen = lines(JsonlDataset.of(idsFile(100)).withLimit(10).sample(5, 3));
        assertTrue(chosen.stream().allMatch(line -> line <= 10), chosen.toString());
    }

    @Test
    void samplingMoreSequencesThanTheFileHoldsIsAnError() throws IOException {
        JsonlDataset dataset = JsonlDataset.of(idsFile(3));
        assertThrows(IllegalArgumentException.class, () -> dataset.sample(4, 0));
    }

    @Test
    void samplingTokenizesTextLines() throws IOException {
        Path file = write("texts.jsonl", "{\"text\": \"a dog\"}", "{\"text\": \"the mat\"}");
        try (Tokenizer tokenizer = TokenizerFixtures.bosAddingTokenizer(dir)) {
            List<Sequence> both = JsonlDataset.of(file).withTokenizer(tokenizer).sample(2, 5);
            assertArrayEquals(new int[] {BOS, id("a"), id("dog")}, both.get(0).ids());
            assertArrayEquals(new int[] {BOS, id("the"), id("mat")}, both.get(1).ids());
        }
    }

    private static List<Sequence> all(JsonlDataset dataset) throws IOException {
        try (Stream<Sequence> sequences = dataset.stream()) {
            return sequences.toList();
        }
    }

    private static List<Integer> lines(List<Sequence> sequences) {
        return sequences.stream().map(Sequence::line).toList();
    }

    /** Line i (1-based) is {"input_ids": [i, i]}. */
    private static String[] idsLines(int count) {
        return IntStream.rangeClosed(1, count)
                .mapToObj(i -> "{\"input_ids\": [" + i + ", " + i + "]}")
                .toArray(String[]::new);
    }

    private Path idsFile(int count) throws IOException {
        return write("ids" + count + ".jsonl", idsLines(count));
    }

    private Path write(String name, String... lines) throws IOException {
        return Files.write(dir.resolve(name), List.of(lines));
    }

    private Path gzip(String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }
}
