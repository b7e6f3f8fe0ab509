package org.layerprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds the body of {@code POST /experiments} (an {@code experiments.requested} event) in layers: the server's
 * template, then a file, then flags. Plain JSON trees, no schema here: the server checks the result and names every
 * field at fault, so the CLI never disagrees with it about what is valid.
 */
final class RequestBody {

    /** The top-level fields a body must have when no template fills them (experimentId and time the server sets). */
    static final List<String> REQUIRED = List.of("model", "calibration", "metric", "blockSizes", "strategy", "heal",
            "evalTasks");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String HF_PREFIX = "hf:";

    private RequestBody() {
    }

    /**
     * {@code over} laid over {@code base}, neither changed: objects merge field by field, at any depth; a null in
     * {@code over} leaves the setting out (no field of the schema takes null, and a view's request as the control
     * service serves it writes absent settings as null, so that it can be submitted again); anything else in
     * {@code over} (a list, a number, a string) replaces what {@code base} has there. A list is replaced
     * whole because its items have no names to merge by: {@code "blockSizes": [1]} means exactly n = 1. So is an
     * object that names its {@code kind} (the model: artifact or huggingface), whose fields mean nothing to another
     * kind: a Hugging Face repo over an artifact ref must not keep the ref.
     */
    static ObjectNode overlay(ObjectNode base, JsonNode over) {
        ObjectNode merged = base.deepCopy();
        Iterator<Map.Entry<String, JsonNode>> fields = over.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode mine = merged.get(field.getKey());
            if (field.getValue().isNull()) {
                merged.remove(field.getKey());
            } else if (mine instanceof ObjectNode object && field.getValue().isObject() && !field.getValue().has("kind")) {
                merged.set(field.getKey(), overlay(object, field.getValue()));
            } else {
                merged.set(field.getKey(), withoutNulls(field.getValue()));
            }
        }
        return merged;
    }

    /** A copy of {@code node} without the fields that are null, at any depth, in objects and in lists' objects. */
    static JsonNode withoutNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = NODES.objectNode();
            node.fields().forEachRemaining(field -> {
                if (!field.getValue().isNull()) {
                    copy.set(field.getKey(), withoutNulls(field.getValue()));
                }
            });
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = NODES.arrayNode();
            node.forEach(item -> copy.add(withoutNulls(item)));
            return copy;
        }
        return node.deepCopy();
    }

    /** The required fields {@code body} lacks, in schema order. */
    static List<String> missing(ObjectNode body) {
        return REQUIRED.stream().filter(field -> !body.hasNonNull(field)).toList();
    }

    /**
     * The {@code model} of a request: {@code hf:owner/name[@revision]} is a Hugging Face repo, anything else a
     * checkpoint directory under the artifact root.
     */
    static ObjectNode model(String spec) {
        ObjectNode model = NODES.objectNode();
        if (spec.startsWith(HF_PREFIX)) {
            String repo = spec.substring(HF_PREFIX.length());
            int at = repo.indexOf('@');
            model.put("kind", "huggingface");
            model.put("repoId", at < 0 ? repo : repo.substring(0, at));
            if (at >= 0) {
                model.put("revision", repo.substring(at + 1));
            }
        } else {
            model.put("kind", "artifact");
            model.put("ref", spec);
        }
        return model;
    }

    /**
     * {@code blockSizes}: {@code all}, or a comma-separated list of n.
     *
     * @throws IllegalArgumentException naming {@code --block-sizes} when an item is not a whole number
     */
    static JsonNode blockSizes(String spec) {
        if (spec.strip().equals("all")) {
            return NODES.textNode("all");
        }
        ArrayNode sizes = NODES.arrayNode();
        for (String item : spec.split(",")) {
            try {
                sizes.add(Integer.parseInt(item.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--block-sizes: expected all or n,n,... (e.g. 1,2,4), got \"" + spec
                        + "\"", e);
            }
        }
        return sizes;
    }

    /**
     * {@code body} with {@code evalTasks} listing {@code tasks} in that order: a task the body already has keeps its
     * settings (data, shots, limit), a new one is {@code {"task"}} alone, for {@link #taskData} or the server to
     * complete.
     */
    static ObjectNode withTasks(ObjectNode body, List<String> tasks) {
        ObjectNode result = body.deepCopy();
        ArrayNode chosen = NODES.arrayNode();
        for (String task : tasks) {
            JsonNode existing = null;
            for (JsonNode entry : body.path("evalTasks")) {
                if (task.equals(entry.path("task").asText())) {
                    existing = entry;
                }
            }
            chosen.add(existing != null ? existing.deepCopy() : NODES.objectNode().put("task", task));
        }
        result.set("evalTasks", chosen);
        return result;
    }

    /** {@code body} with {@code field} set to {@code value} in the entry of {@code task}, when the body has one. */
    static ObjectNode taskSetting(ObjectNode body, String task, String field, JsonNode value) {
        ObjectNode result = body.deepCopy();
        for (JsonNode entry : result.path("evalTasks")) {
            if (entry instanceof ObjectNode object && task.equals(entry.path("task").asText())) {
                object.set(field, value);
            }
        }
        return result;
    }

    /** Sets {@code value} at a dotted {@code path} (e.g. {@code heal.steps}) of a partial body, making objects. */
    static void put(ObjectNode body, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode node = body;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = node.get(parts[i]);
            if (!(next instanceof ObjectNode)) {
                next = NODES.objectNode();
                node.set(parts[i], next);
            }
            node = (ObjectNode) next;
        }
        node.set(parts[parts.length - 1], value);
    }

    /** A JSON list of strings. */
    static ArrayNode strings(List<String> items) {
        ArrayNode list = NODES.arrayNode();
        items.forEach(item -> list.add(item.strip()));
        return list;
    }
}
