package org.layerprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The readable form of an experiment view ({@code GET /experiments/{id}}): where it stands, then a row per variant n
 * (0 = the baseline) with its stage, l*(n), heal progress and every task's score pruned and healed, then the failures.
 */
final class StatusReport {

    private StatusReport() {
    }

    static String render(JsonNode view) {
        StringBuilder text = new StringBuilder();
        text.append("experiment ").append(view.path("experimentId").asText()).append(": ")
                .append(view.path("state").asText());
        if (view.hasNonNull("updated")) {
            text.append(" (updated ").append(view.path("updated").asText()).append(')');
        }
        text.append('\n');
        JsonNode request = view.path("request");
        if (request.isObject()) {
            JsonNode probe = view.path("probe");
            // "all" resolved to 1..L-1 once the probe knows L
            JsonNode sizes = probe.path("blockSizes").isArray() ? probe.path("blockSizes") : request.path("blockSizes");
            text.append("model ").append(Views.model(request.path("model")));
            if (probe.isObject()) {
                text.append(", L = ").append(probe.path("layers").asInt());
            }
            text.append(", block sizes ").append(sizes.isArray() ? join(sizes) : sizes.asText())
                    .append(", ").append(request.path("strategy").asText()).append(" on ")
                    .append(request.path("metric").asText()).append('\n');
        }
        List<String> tasks = Views.tasks(view);
        List<String> header = new ArrayList<>(List.of("n", "stage", "l*(n)", "heal"));
        for (String task : tasks) {
            header.add("pruned " + task);
            header.add("healed " + task);
        }
        TextTable table = new TextTable(header, false, true, false, true);
        for (JsonNode variant : view.path("variants")) {
            int n = variant.path("n").asInt();
            List<String> row = new ArrayList<>(List.of(String.valueOf(n), variant.path("state").asText(),
                    Views.integer(variant.path("lStar")), n == 0 ? "-" : Views.heal(variant)));
            JsonNode scores = variant.path("scores");
            for (String task : tasks) {
                row.add(Views.score(scores.path(n == 0 ? "baseline" : "pruned"), task));
                row.add(n == 0 ? "-" : Views.score(scores.path("healed"), task));
            }
            table.row(row);
        }
        text.append(table.render());
        JsonNode failures = view.path("failures");
        if (failures.size() > 0) {
            text.append("failures:\n");
            for (JsonNode failure : failures) {
                text.append("  ").append(failure.path("stage").asText());
                if (failure.hasNonNull("variantId")) {
                    text.append(' ').append(failure.path("variantId").asText());
                }
                text.append(": ").append(failure.path("code").asText()).append(' ')
                        .append(failure.path("message").asText())
                        .append(failure.path("resolved").asBoolean() ? " (resolved since)" : "").append('\n');
            }
        }
        return text.toString();
    }

    private static String join(JsonNode list) {
        List<String> items = new ArrayList<>();
        list.forEach(item -> items.add(item.asText()));
        return String.join(",", items);
    }
}
