package org.layerprune.core.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The objects of a JSON Lines evaluation file (plain or gzip, see {@link EvalFiles}), one per non-blank line; blank
 * lines are skipped but counted. Malformed JSON, a line that is not an object, or a key given twice is a bad row.
 */
final class JsonlRows {

    /** One object and the line it is on (1-based). */
    record JsonRow(long line, JsonNode object) {
    }

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonlRows() {
    }

    /** The objects of {@code file} in order; bad lines go to {@code bad}. */
    static List<JsonRow> read(Path file, BadRows bad) throws IOException {
        List<JsonRow> rows = new ArrayList<>();
        BufferedReader lines = new BufferedReader(new StringReader(EvalFiles.readText(file)));
        long number = 0;
        for (String text = next(lines); text != null; text = next(lines)) {
            number++;
            if (text.isBlank()) {
                continue;
            }
            JsonNode object;
            try {
                object = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                bad.reject(file, number, "malformed JSON: " + e.getOriginalMessage());
                continue;
            }
            if (!object.isObject()) {
                bad.reject(file, number, "not a JSON object");
                continue;
            }
            rows.add(new JsonRow(number, object));
        }
        return rows;
    }

    /** The string field {@code name}, which must be there. */
    static String string(JsonNode row, String name) {
        JsonNode value = field(row, name);
        if (!value.isTextual()) {
            throw new RowProblem("\"" + name + "\" is not a string: " + value);
        }
        return value.textValue();
    }

    /** The field {@code name}, which must be there and not null. */
    static JsonNode field(JsonNode row, String name) {
        JsonNode value = row.get(name);
        if (value == null || value.isNull()) {
            throw new RowProblem("no \"" + name + "\"");
        }
        return value;
    }

    private static String next(BufferedReader lines) {
        try {
            return lines.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("a StringReader does not fail", e);
        }
    }
}
