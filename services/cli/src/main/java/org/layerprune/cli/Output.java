package org.layerprune.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.function.Supplier;

/** Writes a command's result: JSON (the contract) or a readable table. */
final class Output {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Output() {
    }

    /** One JSON document on one line, then a newline. */
    static void json(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON output", e);
        }
        out.flush();
    }

    /** With {@code --json} the document, else its readable text (made only then), as it is, flushed. */
    static void jsonOrText(PrintWriter out, boolean json, Object document, Supplier<String> text) {
        if (json) {
            json(out, document);
        } else {
            out.print(text.get());
            out.flush();
        }
    }

    /** Rows of (label, value), the labels padded into a column. */
    static void table(PrintWriter out, String[][] rows) {
        int width = 0;
        for (String[] row : rows) {
            width = Math.max(width, row[0].length());
        }
        for (String[] row : rows) {
            out.printf("%-" + width + "s  %s%n", row[0], row[1]);
        }
        out.flush();
    }
}
