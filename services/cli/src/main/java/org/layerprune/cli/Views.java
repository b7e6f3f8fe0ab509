package org.layerprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reading the control service's JSON documents (the experiment view, the pruning curve) for tables: which tasks were
 * scored, the one number a table shows per task, and how cells print.
 */
final class Views {

    private Views() {
    }

    /** The number a table shows for {@code task}: the loss for loss, the accuracy for mmlu and boolq. */
    static String headlineMetric(String task) {
        return task.equals("loss") ? "loss" : "accuracy";
    }

    /** The tasks of a view, in the request's order, then any other task some variant was scored on. */
    static List<String> tasks(JsonNode view) {
        Set<String> tasks = new LinkedHashSet<>();
        for (JsonNode task : view.path("request").path("evalTasks")) {
            tasks.add(task.path("task").asText());
        }
        for (JsonNode variant : view.path("variants")) {
            for (JsonNode byTask : variant.path("scores")) {
                byTask.fieldNames().forEachRemaining(tasks::add);
            }
        }
        return new ArrayList<>(tasks);
    }

    /** The tasks of a curve, in the order the points name them. */
    static List<String> curveTasks(JsonNode curve) {
        Set<String> tasks = new LinkedHashSet<>();
        for (JsonNode point : curve.path("points")) {
            point.path("pruned").fieldNames().forEachRemaining(tasks::add);
            point.path("healed").fieldNames().forEachRemaining(tasks::add);
        }
        return new ArrayList<>(tasks);
    }

    /**
     * {@code scores} (task to metric to value) of {@code task}, as a cell: its headline metric, else the first metric it
     * has; "-" when not scored.
     */
    static String score(JsonNode scores, String task) {
        JsonNode metrics = scores.path(task);
        JsonNode value = metrics.path(headlineMetric(task));
        if (value.isMissingNode() || value.isNull()) {
            Iterator<JsonNode> any = metrics.elements();
            value = any.hasNext() ? any.next() : value;
        }
        return value.isNumber() ? String.format(Locale.ROOT, "%.4f", value.asDouble()) : "-";
    }

    /** An integer field as a cell: "-" when absent or null. */
    static String integer(JsonNode node) {
        return node.isIntegralNumber() ? String.valueOf(node.asLong()) : "-";
    }

    /** The model of a request: its ref, or hf:owner/name[@revision]. */
    static String model(JsonNode model) {
        if (model.path("kind").asText().equals("huggingface")) {
            return "hf:" + model.path("repoId").asText()
                    + (model.hasNonNull("revision") ? "@" + model.path("revision").asText() : "");
        }
        return model.path("ref").asText("?");
    }

    /** Heal progress of a variant: "step/total loss x", "done", or "-" before it starts. */
    static String heal(JsonNode variant) {
        JsonNode heal = variant.path("heal");
        if (heal.isObject()) {
            String line = String.format(Locale.ROOT, "%d/%d loss %.4f", heal.path("step").asLong(),
                    heal.path("totalSteps").asLong(), heal.path("loss").asDouble());
            return heal.hasNonNull("evalLoss")
                    ? line + String.format(Locale.ROOT, " eval %.4f", heal.path("evalLoss").asDouble()) : line;
        }
        return variant.path("healed").isObject() ? "done" : "-";
    }
}
