package org.layerprune.control.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.ExperimentIds;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.kafka.EventDeserializer;
import org.layerprune.contracts.kafka.EventJson;
import org.layerprune.contracts.kafka.EventReadException;
import org.layerprune.control.rest.Problem.FieldError;

/**
 * Turns a submitted body into an {@code experiments.requested} event: fills in what the server assigns when it is
 * absent ({@code experimentId}, {@code time}, {@code schemaVersion}), checks it against {@code schemas/
 * experiments.requested/v1.json} (from the contracts jar, draft 2020-12, formats asserted) and reads it as the contract
 * reads it.
 */
final class RequestValidation {

    private static final String ID_PREFIX = "https://layerprune.org/schemas/";
    /** The path under /experiments that answers the template, and so cannot be an experiment's. */
    static final String TEMPLATE_PATH = "template";

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, builder -> builder
                    .schemas(RequestValidation::schemaText)
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    private static final Schema SCHEMA = REGISTRY.getSchema(SchemaLocation.of(ExperimentRequested.TYPE.schemaId()));

    private RequestValidation() {
    }

    /** A request that could not be read: every field at fault. */
    static final class InvalidRequestException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient List<FieldError> errors;

        InvalidRequestException(List<FieldError> errors) {
            super(errors.toString());
            this.errors = errors;
        }

        List<FieldError> errors() {
            return errors;
        }
    }

    /**
     * The event {@code body} asks for.
     *
     * @throws InvalidRequestException naming every field at fault
     */
    static ExperimentRequested read(String body) {
        JsonNode json;
        try {
            json = EventJson.mapper().readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw invalid("", "not well-formed JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw invalid("", "the body must be a JSON object: an experiments.requested event");
        }
        ObjectNode request = (ObjectNode) json;
        if (!request.has("experimentId")) {
            request.put("experimentId", newExperimentId());
        }
        if (!request.has("time")) {
            request.put("time", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        }
        if (!request.has("schemaVersion")) {
            request.put("schemaVersion", Event.SCHEMA_VERSION);
        }
        String text = request.toString();
        List<FieldError> violations = SCHEMA.validate(text, InputFormat.JSON).stream()
                .map(RequestValidation::fieldError)
                .distinct()
                .toList();
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        if (TEMPLATE_PATH.equals(request.get("experimentId").asText())) {
            throw invalid("experimentId", "\"" + TEMPLATE_PATH + "\" names the new-experiment template"
                    + " (GET /experiments/" + TEMPLATE_PATH + "), not an experiment; choose another id");
        }
        try {
            return new EventDeserializer<>(ExperimentRequested.TYPE).deserialize(ExperimentRequested.TYPE.name(),
                    text.getBytes(StandardCharsets.UTF_8));
        } catch (EventReadException e) {
            throw invalid(e.field(), e.getMessage());
        }
    }

    /** {@code exp-} and 12 random hex digits: an experiment id. */
    static String newExperimentId() {
        return ExperimentIds.require("exp-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12),
                "experimentId");
    }

    /** The field a schema error is about: its instance location, and the property a required or unknown key names. */
    private static FieldError fieldError(Error error) {
        String field = field(error.getInstanceLocation().toString());
        if (error.getProperty() != null && !field.equals(error.getProperty())
                && !field.endsWith("." + error.getProperty())) {
            field = field.isEmpty() ? error.getProperty() : field + "." + error.getProperty();
        }
        return new FieldError(field, error.getMessage());
    }

    /** A location as {@code heal.steps} or {@code blockSizes[1]}, from JSONPath ({@code $.heal.steps}) or a pointer. */
    static String field(String location) {
        String path = location;
        if (path.startsWith("$")) {
            path = path.substring(1);
        } else if (path.startsWith("/")) {
            path = path.replaceAll("/([0-9]+)(?=/|$)", "[$1]").replace('/', '.');
        }
        return path.startsWith(".") ? path.substring(1) : path;
    }

    private static InvalidRequestException invalid(String field, String message) {
        return new InvalidRequestException(List.of(new FieldError(field, message)));
    }

    /** The text of the schema with id {@code iri}, from the contracts jar; null for any other id (never fetched). */
    private static String schemaText(String iri) {
        if (!iri.startsWith(ID_PREFIX)) {
            return null;
        }
        String resource = "schemas/" + iri.substring(ID_PREFIX.length());
        try (InputStream in = RequestValidation.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
