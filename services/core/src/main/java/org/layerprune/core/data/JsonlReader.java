package org.layerprune.core.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

/**
 * Reads a JSON Lines dataset one line at a time, plain or gzipped, and parses each non-blank
 * line into a {@link DatasetLine}, applying the line rules documented on {@link JsonlDataset}.
 */
final class JsonlReader implements Iterator<DatasetLine>, AutoCloseable {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int GZIP_MAGIC = 0x1f8b;

    private final Path file;
    private final BufferedReader reader;
    private int lineNumber;
    private DatasetLine next;
    private String fileKind;
    private int kindLine;

    private JsonlReader(Path file, BufferedReader reader) {
        this.file = file;
        this.reader = reader;
    }

    /** Opens a dataset file; nothing is read until the first {@link #next()}. */
    static JsonlReader open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file));
        try {
            in.mark(2);
            int magic = (in.read() << 8) | in.read();
            in.reset();
            if (magic == GZIP_MAGIC) {
                in = new GZIPInputStream(in);
            }
        } catch (IOException e) {
            in.close();
            throw new IOException(file + ": cannot read: " + e.getMessage(), e);
        }
        return new JsonlReader(
                file, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = readNext();
        }
        return next != null;
    }

    @Override
    public DatasetLine next() {
        if (!hasNext()) {
            throw new NoSuchElementException(file + ": no more lines");
        }
        DatasetLine line = next;
        next = null;
        return line;
    }

    /** Closes the file; an I/O error is unchecked, as this runs when a stream is closed. */
    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot close", e);
        }
    }

    /** The next non-blank line, parsed and checked against the file's kind; null at the end. */
    private DatasetLine readNext() {
        String text;
        do {
            try {
                text = reader.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(file + ":" + (lineNumber + 1) + ": cannot read", e);
            }
            if (text == null) {
                return null;
            }
            lineNumber++;
        } while (text.isBlank());
        DatasetLine line = parse(text);
        if (fileKind == null) {
            fileKind = kind(line);
            kindLine = lineNumber;
        } else if (!fileKind.equals(kind(line))) {
            throw new DatasetException(
                    file,
                    lineNumber,
                    "a " + kind(line) + " line in a file of " + fileKind
                            + " lines (as line " + kindLine + " set); do not mix them");
        }
        return line;
    }

    private DatasetLine parse(String text) {
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new DatasetException(
                    file, lineNumber, "malformed JSON: " + e.getOriginalMessage(), e);
        }
        if (!json.isObject()) {
            throw new DatasetException(file, lineNumber, "not a JSON object");
        }
        JsonNode ids = json.get("input_ids");
        if (ids != null) {
            return new DatasetLine.Ids(lineNumber, ids(ids));
        }
        JsonNode document = json.get("text");
        if (document != null) {
            if (!document.isTextual()) {
                throw new DatasetException(file, lineNumber, "\"text\" is not a string");
            }
            return new DatasetLine.Text(lineNumber, document.textValue());
        }
        throw new DatasetException(file, lineNumber, "has neither \"text\" nor \"input_ids\"");
    }

    private int[] ids(JsonNode array) {
        if (!array.isArray() || array.isEmpty()) {
            throw new DatasetException(
                    file, lineNumber, "\"input_ids\" is not a non-empty array of token ids");
        }
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = array.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
                throw new DatasetException(
                        file, lineNumber, "\"input_ids\"[" + i + "] is not a token id: " + id);
            }
            ids[i] = id.intValue();
        }
        return ids;
    }

    private static String kind(DatasetLine line) {
        return line instanceof DatasetLine.Text ? "text" : "input_ids";
    }
}
