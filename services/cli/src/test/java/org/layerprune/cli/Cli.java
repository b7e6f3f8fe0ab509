package org.layerprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** Runs the command line in-process, as {@code main} does, and keeps what it printed. */
final class Cli {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Cli() {
    }

    /**
     * @param exitCode what {@code main} would exit with
     * @param out      everything printed on stdout
     * @param err      everything printed on stderr
     */
    record Result(int exitCode, String out, String err) {

        /** stdout as one JSON document. */
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("stdout is not JSON: " + out, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Layerprune.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
