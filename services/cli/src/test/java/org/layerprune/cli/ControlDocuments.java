package org.layerprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * JSON documents the control service served (src/test/resources/control), saved from the packaged all-in-one on this
 * machine: the default stories260K run when done ({@code view-default-done}, {@code curve-default-done}), a one-block
 * experiment while probing and while healing, and one whose model ref names nothing (failed at the probe).
 */
final class ControlDocuments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlDocuments() {
    }

    static JsonNode read(String name) {
        try (InputStream in = ControlDocuments.class.getResourceAsStream("/control/" + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("no test resource control/" + name + ".json");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
