package org.layerprune.allinone;

import java.util.List;
import java.util.Locale;

/**
 * The pruning curve as a table for the console, one row per block size n: the fraction of layers dropped, l*(n) and
 * the score before and after healing. Fed by rows only, whoever computed them (events read here; later the control
 * service's curve).
 */
final class CurveTable {

    private CurveTable() {
    }

    /** The table of {@code rows}, whose scores are {@code metric} (e.g. {@code loss}); a header line first. */
    static String render(List<CurveRow> rows, String metric) {
        String pruned = "pruned " + metric;
        String healed = "healed " + metric;
        int width = Math.max(10, Math.max(pruned.length(), healed.length()));
        String format = "%3s  %7s  %5s  %" + width + "s  %" + width + "s%n";
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, format, "n", "dropped", "l*(n)", pruned,
                healed));
        for (CurveRow row : rows) {
            table.append(String.format(Locale.ROOT, format, row.n(),
                    String.format(Locale.ROOT, "%.1f%%", 100 * row.fraction()),
                    row.lStar().isPresent() ? String.valueOf(row.lStar().getAsInt()) : "-",
                    score(row.pruned()), score(row.healed())));
        }
        return table.toString();
    }

    private static String score(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }
}
