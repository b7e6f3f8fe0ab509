package org.layerprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The readable form of a pruning curve ({@code GET /experiments/{id}/curve}): a row per n (0 = the baseline) with the
 * fraction of layers dropped, l*(n) and, per task, the score pruned and healed (at n = 0 both are the baseline's).
 */
final class CurveReport {

    private CurveReport() {
    }

    static String render(JsonNode curve) {
        List<String> tasks = Views.curveTasks(curve);
        List<String> header = new ArrayList<>(List.of("n", "dropped", "l*(n)"));
        for (String task : tasks) {
            header.add("pruned " + task);
            header.add("healed " + task);
        }
        TextTable table = new TextTable(header);
        for (JsonNode point : curve.path("points")) {
            JsonNode fraction = point.path("fraction");
            List<String> row = new ArrayList<>(List.of(String.valueOf(point.path("n").asInt()),
                    fraction.isNumber() ? String.format(Locale.ROOT, "%.1f%%", 100 * fraction.asDouble()) : "-",
                    Views.integer(point.path("lStar"))));
            for (String task : tasks) {
                row.add(Views.score(point.path("pruned"), task));
                row.add(Views.score(point.path("healed"), task));
            }
            table.row(row);
        }
        String layers = curve.path("layers").isIntegralNumber() ? "L = " + curve.path("layers").asInt() : "L unknown";
        return "pruning curve of " + curve.path("experimentId").asText() + " (" + layers + "; n = 0 is the unpruned"
                + " model)\n" + table.render();
    }
}
