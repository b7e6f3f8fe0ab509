package org.layerprune.control.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.kafka.EventJson;

/** Reads what another instance answered, and compares requests. */
final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    /** The request inside a view as another instance wrote it; null when the view has none. */
    static ExperimentRequested request(byte[] view) throws IOException {
        JsonNode request = MAPPER.readTree(view).get("request");
        return request == null || request.isNull() ? null
                : EventJson.mapper().treeToValue(request, ExperimentRequested.class);
    }

    /** Whether two requests ask for the same experiment: the same everything but the time they were made. */
    static boolean sameSettings(ExperimentRequested a, ExperimentRequested b) {
        ObjectNode first = EventJson.mapper().valueToTree(a);
        ObjectNode second = EventJson.mapper().valueToTree(b);
        first.remove("time");
        second.remove("time");
        return first.equals(second);
    }

    static List<Map<String, Object>> readList(byte[] json) {
        try {
            return MAPPER.readValue(json, new TypeReference<>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON list: " + e.getMessage(), e);
        }
    }
}
