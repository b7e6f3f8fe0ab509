package org.layerprune.core.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An RFC 4180 reader that keeps the line each record starts on, which a CSV library would not give for records
 * that span lines.
 *
 * <ul>
 *   <li>Fields are separated by commas, records by CRLF, LF or a lone CR; there is no header.
 *   <li>A field that starts with a double quote runs to the matching closing quote, taking commas and line breaks
 *       (kept as they are) with it; {@code ""} inside it is one quote.
 *   <li>A quote inside an unquoted field is kept as text, as pandas' reader does.
 *   <li>Empty lines between records are skipped, as pandas' {@code skip_blank_lines} does, but counted.
 *   <li>Text after a closing quote ({@code "a"b,}) or a quoted field left open at the end of the file makes the
 *       record malformed; reading goes on with the next record, or ends.
 * </ul>
 */
final class CsvRecords {

    /**
     * One record.
     *
     * @param line      1-based line of the record's first character
     * @param fields    the fields, unquoted
     * @param malformed why the quoting is broken, if it is; the fields are then a best guess
     */
    record CsvRecord(long line, List<String> fields, Optional<String> malformed) {

        CsvRecord {
            fields = List.copyOf(fields);
        }
    }

    private final String text;
    private int i;
    private long line = 1;

    private CsvRecords(String text) {
        this.text = text;
    }

    /** The records of {@code text} in order. */
    static List<CsvRecord> parse(String text) {
        return new CsvRecords(text).records();
    }

    private List<CsvRecord> records() {
        List<CsvRecord> records = new ArrayList<>();
        while (i < text.length()) {
            if (atLineBreak()) { // an empty line
                skipLineBreak();
                continue;
            }
            long start = line;
            List<String> fields = new ArrayList<>();
            String malformed = null;
            while (true) {
                StringBuilder field = new StringBuilder();
                if (i < text.length() && text.charAt(i) == '"') {
                    String problem = quoted(field, fields.size() + 1);
                    malformed = malformed == null ? problem : malformed;
                }
                while (i < text.length() && text.charAt(i) != ',' && !atLineBreak()) {
                    field.append(text.charAt(i++)); // unquoted, or the text after a malformed closing quote
                }
                fields.add(field.toString());
                if (i == text.length() || atLineBreak()) {
                    break;
                }
                i++; // the comma; a record ending in one has an empty last field
            }
            skipLineBreak();
            records.add(new CsvRecord(start, fields, Optional.ofNullable(malformed)));
        }
        return records;
    }

    /**
     * Reads a quoted field from its opening quote through its closing quote into {@code field}.
     *
     * @return the problem, or null when the field is well formed
     */
    private String quoted(StringBuilder field, int column) {
        i++; // the opening quote
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i += 2;
                    continue;
                }
                i++; // the closing quote
                boolean ends = i == text.length() || text.charAt(i) == ',' || atLineBreak();
                return ends ? null : "text after the closing quote of field " + column;
            }
            if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
                line++;
            }
            field.append(c);
            i++;
        }
        return "the quoted field " + column + " is never closed";
    }

    private boolean atLineBreak() {
        char c = text.charAt(i);
        return c == '\n' || c == '\r';
    }

    /** Steps over CRLF, LF or CR, if there is one at the cursor. */
    private void skipLineBreak() {
        if (i == text.length()) {
            return;
        }
        if (text.charAt(i) == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
            i += 2;
            line++;
        } else if (atLineBreak()) {
            i++;
            line++;
        }
    }
}
