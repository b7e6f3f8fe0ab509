package org.layerprune.control.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.layerprune.contracts.kafka.EventJson;

/**
 * The template from {@code layerprune.control.template} (a JSON file) when set, else the paper's settings on
 * Llama-2-7B ({@value #PAPER}: Gromov et al. 2024's healing recipe, MMLU 5-shot, BoolQ, C4 loss). Read once, at the
 * first request; a file that is not a JSON object fails that request and every later one alike.
 */
@DefaultBean
@ApplicationScoped
public class ConfiguredExperimentTemplate implements ExperimentTemplate {

    /** The paper's settings, on the classpath. */
    static final String PAPER = "experiment-template.json";

    private final Optional<Path> file;
    private volatile ObjectNode template;

    public ConfiguredExperimentTemplate(@ConfigProperty(name = "layerprune.control.template") Optional<Path> file) {
        this.file = file;
    }

    @Override
    public ObjectNode body() {
        ObjectNode read = template;
        if (read == null) {
            read = read();
            template = read;
        }
        return read.deepCopy();
    }

    private ObjectNode read() {
        JsonNode json;
        try {
            if (file.isPresent()) {
                json = EventJson.mapper().readTree(Files.readAllBytes(file.get()));
            } else {
                try (InputStream in = ConfiguredExperimentTemplate.class.getResourceAsStream(PAPER)) {
                    json = EventJson.mapper().readTree(in);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the experiment template " + file.map(Path::toString)
                    .orElse(PAPER) + ": " + e.getMessage(), e);
        }
        if (!(json instanceof ObjectNode object)) {
            throw new IllegalStateException("the experiment template " + file.map(Path::toString).orElse(PAPER)
                    + " is not a JSON object");
        }
        object.remove("experimentId"); // the server assigns these to each submission
        object.remove("time");
        return object;
    }
}
