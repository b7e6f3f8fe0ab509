package org.layerprune.core.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.layerprune.core.eval.JsonlRows.JsonRow;

/**
 * BoolQ examples from a JSON Lines file, plain or gzip, in either layout:
 *
 * <ul>
 *   <li>SuperGLUE's, {@code {"question", "passage", "idx", "label"}}, with {@code label} 0 or 1 as the Hugging Face
 *       {@code super_glue} export has it, or false or true as SuperGLUE's own zip does;
 *   <li>the original's, {@code {"question", "title", "answer", "passage"}}, with {@code answer} true or false.
 * </ul>
 *
 * <p>{@code label} is used when there is one; a row with both that disagree is malformed. Other fields are ignored.
 * A malformed row (malformed JSON, a missing or empty question or passage, a label not 0 or 1, an answer not a
 * boolean) stops the read or is skipped and reported, by the {@link BadRowPolicy}. The SuperGLUE test split has
 * label -1 (unlabelled), so all its rows are malformed.
 */
public final class BoolqData {

    private final List<BoolqExample> examples;
    private final List<SkippedRow> skipped;

    private BoolqData(List<BoolqExample> examples, List<SkippedRow> skipped) {
        this.examples = List.copyOf(examples);
        this.skipped = List.copyOf(skipped);
    }

    /**
     * Reads a BoolQ file.
     *
     * @throws EvalDataException naming the file when it does not exist or has no examples, or (under
     *                           {@link BadRowPolicy#STOP}) naming the file and line of the first malformed row
     * @throws IOException       when the file cannot be read
     */
    public static BoolqData read(Path file, BadRowPolicy policy) throws IOException {
        BadRows bad = new BadRows(policy);
        List<BoolqExample> examples = new ArrayList<>();
        for (JsonRow row : JsonlRows.read(file, bad)) {
            try {
                examples.add(example(file, row));
            } catch (RowProblem e) {
                bad.reject(file, row.line(), e.getMessage());
            }
        }
        if (examples.isEmpty()) {
            int skipped = bad.skipped().size();
            throw new EvalDataException(file, 0,
                    "no examples" + (skipped > 0 ? " (" + skipped + " malformed rows skipped)" : ""));
        }
        return new BoolqData(examples, bad.skipped());
    }

    /** The examples in file order. */
    public List<BoolqExample> examples() {
        return examples;
    }

    /** The malformed rows left out, in file order. */
    public List<SkippedRow> skipped() {
        return skipped;
    }

    /**
     * One request per example, in file order, each made by {@link BoolqPrompt#request}.
     *
     * @param shotPool where shots come from (the harness uses the train split); may be empty for 0-shot
     * @throws IllegalArgumentException when {@code shots > 0} and {@code shotPool} is empty
     */
    public List<ChoiceRequest> requests(List<BoolqExample> shotPool, int shots, ToIntFunction<String> tokenCount,
            int maxTokens) {
        return requests(shotPool, shots, tokenCount, maxTokens, Integer.MAX_VALUE);
    }

    /** As {@link #requests(List, int, ToIntFunction, int)}, for the first {@code limit} examples only. */
    public List<ChoiceRequest> requests(List<BoolqExample> shotPool, int shots, ToIntFunction<String> tokenCount,
            int maxTokens, int limit) {
        if (shots > 0 && shotPool.isEmpty()) {
            throw new IllegalArgumentException(shots + "-shot BoolQ needs examples to take shots from");
        }
        return examples.stream().limit(limit)
                .map(e -> BoolqPrompt.request(e, shotPool, shots, tokenCount, maxTokens)).toList();
    }

    private static BoolqExample example(Path file, JsonRow row) {
        JsonNode json = row.object();
        String question = JsonlRows.string(json, "question");
        if (question.isBlank()) {
            throw new RowProblem("empty question");
        }
        String passage = JsonlRows.string(json, "passage");
        if (passage.isBlank()) {
            throw new RowProblem("empty passage");
        }
        Boolean label = json.has("label") && !json.get("label").isNull() ? label(json.get("label")) : null;
        Boolean answer = json.has("answer") && !json.get("answer").isNull() ? answer(json.get("answer")) : null;
        if (label == null && answer == null) {
            throw new RowProblem("neither \"label\" nor \"answer\"");
        }
        if (label != null && answer != null && !label.equals(answer)) {
            throw new RowProblem("\"label\" " + json.get("label") + " and \"answer\" " + json.get("answer")
                    + " disagree");
        }
        return new BoolqExample(question, passage, label != null ? label : answer, file, row.line());
    }

    /** SuperGLUE's label: 0 or 1 (Hugging Face), false or true (SuperGLUE's zip). */
    private static boolean label(JsonNode label) {
        if (label.isBoolean()) {
            return label.booleanValue();
        }
        if (label.isIntegralNumber() && label.canConvertToInt() && (label.intValue() == 0 || label.intValue() == 1)) {
            return label.intValue() == 1;
        }
        throw new RowProblem("label " + label + " is not 0 or 1");
    }

    /** The original's answer: true or false. */
    private static boolean answer(JsonNode answer) {
        if (!answer.isBoolean()) {
            throw new RowProblem("answer " + answer + " is not true or false");
        }
        return answer.booleanValue();
    }
}
