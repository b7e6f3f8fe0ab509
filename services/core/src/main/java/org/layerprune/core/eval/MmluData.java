package org.layerprune.core.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.layerprune.core.eval.CsvRecords.CsvRecord;
import org.layerprune.core.eval.JsonlRows.JsonRow;

/**
 * MMLU questions to evaluate, grouped by subject, and the dev questions that serve as shots. Two layouts are read:
 *
 * <ul>
 *   <li><b>Hendrycks' original</b>, a directory with {@code dev/}, {@code val/} and {@code test/} holding
 *       {@code {subject}_dev.csv}, {@code {subject}_val.csv} and {@code {subject}_test.csv}: RFC 4180, no header,
 *       columns question, A, B, C, D, answer letter. The evaluated split comes from {@code DIR/<split>/}, the shots
 *       from {@code DIR/dev/}. Files not named {@code *_<split>.csv} are ignored.
 *   <li><b>JSON Lines</b> as exported from {@code cais/mmlu}, one {@code {"subject", "question", "choices": [4
 *       strings], "answer": 0-3}} per line, plain or gzip: the evaluated file, and the dev split as a separate
 *       file for the shots.
 * </ul>
 *
 * <p>Shots are optional at reading: without few-shot data (a JSON Lines file and no {@code fewshotData}, or a
 * directory without {@code dev/}), the data serves 0-shot, and {@link #requests} refuses k &gt; 0 rather than quietly
 * evaluating with fewer shots than asked for.
 *
 * <p>A malformed row (wrong column count, broken quoting, answer not A-D or not 0-3, a missing field, an empty
 * question or subject, malformed JSON) stops the read or is skipped and reported, by the {@link BadRowPolicy}; the
 * policy covers the dev rows too. Empty choices are kept, as the harness renders them.
 */
public final class MmluData {

    /** The split evaluated unless told otherwise. */
    public static final String DEFAULT_SPLIT = "test";

    private static final Set<String> SPLITS = Set.of("test", "val");
    private static final int CSV_COLUMNS = 6;

    private final Path source;
    private final Optional<Path> devSource;
    private final SortedMap<String, List<MmluQuestion>> questions;
    private final Map<String, List<MmluQuestion>> dev;
    private final List<SkippedRow> skipped;

    private MmluData(Path source, Optional<Path> devSource, Map<String, List<MmluQuestion>> questions,
            Map<String, List<MmluQuestion>> dev, List<SkippedRow> skipped) {
        this.source = source;
        this.devSource = devSource;
        this.questions = Collections.unmodifiableSortedMap(new TreeMap<>(questions));
        this.dev = Map.copyOf(dev);
        this.skipped = List.copyOf(skipped);
    }

    /** {@link #read(Path, Optional, String, BadRowPolicy)} of the test split. */
    public static MmluData read(Path data, Optional<Path> fewshotData, BadRowPolicy policy) throws IOException {
        return read(data, fewshotData, DEFAULT_SPLIT, policy);
    }

    /**
     * Reads MMLU in either layout.
     *
     * @param data        a Hendrycks directory, or a JSON Lines file of the questions to evaluate
     * @param fewshotData for a JSON Lines {@code data}: the dev split, needed only for k &gt; 0 shots; must be
     *                    empty for a directory, which has its own {@code dev/}
     * @param split       "test" or "val": which directory of a Hendrycks layout to evaluate; a JSON Lines file is
     *                    its own split, so there it is only checked
     * @throws EvalDataException naming the path when it does not exist, has no questions, or (under
     *                           {@link BadRowPolicy#STOP}) naming the file and line of the first malformed row
     * @throws IOException       when a file cannot be read
     */
    public static MmluData read(Path data, Optional<Path> fewshotData, String split, BadRowPolicy policy)
            throws IOException {
        if (!SPLITS.contains(split)) {
            throw new IllegalArgumentException("split must be \"test\" or \"val\", was \"" + split + "\"");
        }
        BadRows bad = new BadRows(policy);
        if (Files.isDirectory(data)) {
            if (fewshotData.isPresent()) {
                throw new IllegalArgumentException(data + " is a Hendrycks directory, whose shots come from its dev/;"
                        + " give no separate few-shot data (" + fewshotData.get() + ")");
            }
            Path splitDir = data.resolve(split);
            if (!Files.isDirectory(splitDir)) {
                throw new EvalDataException(splitDir, 0,
                        "no such directory (Hendrycks' layout has dev/, val/ and test/ with {subject}_<split>.csv)");
            }
            Map<String, List<MmluQuestion>> questions = readCsvDirectory(splitDir, split, true, bad);
            requireQuestions(splitDir, questions, bad);
            Path devDir = data.resolve("dev");
            Map<String, List<MmluQuestion>> dev = Files.isDirectory(devDir)
                    ? readCsvDirectory(devDir, "dev", false, bad)
                    : Map.of();
            return new MmluData(splitDir, Optional.of(devDir), questions, dev, bad.skipped());
        }
        if (!Files.exists(data)) {
            throw new EvalDataException(data, 0, "no such file or directory");
        }
        Map<String, List<MmluQuestion>> questions = readJsonl(data, bad);
        requireQuestions(data, questions, bad);
        Map<String, List<MmluQuestion>> dev = fewshotData.isPresent() ? readJsonl(fewshotData.get(), bad) : Map.of();
        return new MmluData(data, fewshotData, questions, dev, bad.skipped());
    }

    /** The subjects evaluated, sorted. */
    public List<String> subjects() {
        return List.copyOf(questions.keySet());
    }

    /** The questions to evaluate by subject, subjects sorted, each subject's questions in file order. */
    public SortedMap<String, List<MmluQuestion>> questionsBySubject() {
        return questions;
    }

    /** The questions of {@code subject} to evaluate, in file order; empty for a subject not evaluated. */
    public List<MmluQuestion> questions(String subject) {
        return questions.getOrDefault(subject, List.of());
    }

    /** How many questions are evaluated, over all subjects. */
    public int size() {
        return questions.values().stream().mapToInt(List::size).sum();
    }

    /** The dev questions of {@code subject} in file order (the shots, first first); empty without few-shot data. */
    public List<MmluQuestion> dev(String subject) {
        return dev.getOrDefault(subject, List.of());
    }

    /** The malformed rows left out, evaluated split and dev alike, in the order read. */
    public List<SkippedRow> skipped() {
        return skipped;
    }

    /**
     * One request per question, subjects sorted, questions in file order, each made by
     * {@link MmluPrompt#request} with the subject's dev questions.
     *
     * @throws IllegalStateException when {@code shots > 0} and there is no few-shot data
     * @throws EvalDataException     when {@code shots > 0} and the few-shot data has no dev questions for a subject
     */
    public List<ChoiceRequest> requests(int shots, ToIntFunction<String> tokenCount, int maxTokens) {
        return requests(shots, tokenCount, maxTokens, Integer.MAX_VALUE);
    }

    /**
     * As {@link #requests(int, ToIntFunction, int)}, for at most the first {@code perSubject} questions of each
     * subject (lm-eval's --limit, which applies to each subject's task); the others are never tokenised.
     */
    public List<ChoiceRequest> requests(int shots, ToIntFunction<String> tokenCount, int maxTokens, int perSubject) {
        if (shots > 0 && devSource.isEmpty()) {
            throw new IllegalStateException(shots + "-shot MMLU needs the dev split: read " + source
                    + " with few-shot data");
        }
        List<ChoiceRequest> requests = new ArrayList<>(size());
        questions.forEach((subject, subjectQuestions) -> {
            List<MmluQuestion> shotPool = dev(subject);
            if (shots > 0 && shotPool.isEmpty()) {
                throw new EvalDataException(devSource.orElseThrow(), 0,
                        "no dev questions about " + subject + "; " + shots + "-shot needs them");
            }
            for (MmluQuestion q : subjectQuestions.subList(0, Math.min(perSubject, subjectQuestions.size()))) {
                requests.add(MmluPrompt.request(q, shotPool, shots, tokenCount, maxTokens));
            }
        });
        return requests;
    }

    private static void requireQuestions(Path path, Map<String, List<MmluQuestion>> questions, BadRows bad) {
        if (questions.isEmpty()) {
            int skipped = bad.skipped().size();
            throw new EvalDataException(path, 0,
                    "no questions" + (skipped > 0 ? " (" + skipped + " malformed rows skipped)" : ""));
        }
    }

    /**
     * The {@code {subject}_<split>.csv} files of a directory, by subject, in file-name order.
     *
     * @param required whether a directory without such files is an error
     */
    private static Map<String, List<MmluQuestion>> readCsvDirectory(Path dir, String split, boolean required,
            BadRows bad) throws IOException {
        String suffix = "_" + split + ".csv";
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(f -> f.getFileName().toString().endsWith(suffix))
                    .filter(f -> f.getFileName().toString().length() > suffix.length())
                    .sorted()
                    .toList();
        }
        if (files.isEmpty() && required) {
            throw new EvalDataException(dir, 0, "no {subject}" + suffix + " files");
        }
        Map<String, List<MmluQuestion>> bySubject = new LinkedHashMap<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            String subject = name.substring(0, name.length() - suffix.length());
            List<MmluQuestion> subjectQuestions = new ArrayList<>();
            for (CsvRecord record : CsvRecords.parse(EvalFiles.readText(file))) {
                try {
                    subjectQuestions.add(fromCsv(subject, file, record));
                } catch (RowProblem e) {
                    bad.reject(file, record.line(), e.getMessage());
                }
            }
            if (!subjectQuestions.isEmpty()) {
                bySubject.put(subject, List.copyOf(subjectQuestions));
            }
        }
        return bySubject;
    }

    private static MmluQuestion fromCsv(String subject, Path file, CsvRecord record) {
        if (record.malformed().isPresent()) {
            throw new RowProblem("malformed CSV: " + record.malformed().get());
        }
        List<String> fields = record.fields();
        if (fields.size() != CSV_COLUMNS) {
            throw new RowProblem(fields.size() + " columns, expected " + CSV_COLUMNS
                    + ": question, A, B, C, D, answer");
        }
        String question = fields.get(0);
        if (MmluPrompt.pythonStrip(question).isEmpty()) {
            throw new RowProblem("empty question");
        }
        int answer = MmluQuestion.LETTERS.indexOf(fields.get(5));
        if (answer < 0) {
            throw new RowProblem("answer \"" + fields.get(5) + "\" is not one of A, B, C, D");
        }
        return new MmluQuestion(subject, question, fields.subList(1, 5), answer, file, record.line());
    }

    /** The questions of a JSON Lines file by subject, subjects in order of first appearance. */
    private static Map<String, List<MmluQuestion>> readJsonl(Path file, BadRows bad) throws IOException {
        Map<String, List<MmluQuestion>> bySubject = new LinkedHashMap<>();
        for (JsonRow row : JsonlRows.read(file, bad)) {
            try {
                MmluQuestion q = fromJson(file, row);
                bySubject.computeIfAbsent(q.subject(), s -> new ArrayList<>()).add(q);
            } catch (RowProblem e) {
                bad.reject(file, row.line(), e.getMessage());
            }
        }
        bySubject.replaceAll((subject, subjectQuestions) -> List.copyOf(subjectQuestions));
        return bySubject;
    }

    private static MmluQuestion fromJson(Path file, JsonRow row) {
        JsonNode json = row.object();
        String subject = JsonlRows.string(json, "subject");
        if (subject.isBlank()) {
            throw new RowProblem("empty subject");
        }
        String question = JsonlRows.string(json, "question");
        if (MmluPrompt.pythonStrip(question).isEmpty()) {
            throw new RowProblem("empty question");
        }
        JsonNode choices = JsonlRows.field(json, "choices");
        if (!choices.isArray() || choices.size() != MmluQuestion.LETTERS.size()) {
            throw new RowProblem("\"choices\" is not an array of 4 strings: " + choices);
        }
        List<String> texts = new ArrayList<>(MmluQuestion.LETTERS.size());
        for (JsonNode choice : choices) {
            if (!choice.isTextual()) {
                throw new RowProblem("\"choices\" is not an array of 4 strings: " + choices);
            }
            texts.add(choice.textValue());
        }
        JsonNode answer = JsonlRows.field(json, "answer");
        if (!answer.isIntegralNumber() || !answer.canConvertToInt() || answer.intValue() < 0
                || answer.intValue() >= MmluQuestion.LETTERS.size()) {
            throw new RowProblem("answer " + answer + " is not one of 0, 1, 2, 3");
        }
        return new MmluQuestion(subject, question, texts, answer.intValue(), file, row.line());
    }
}
