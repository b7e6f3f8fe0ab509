package org.layerprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code watch} shows: a line per variant n (0 = the baseline) with a heal progress bar, its stage, l*(n) and
 * its scores, fed by the experiment view and by {@code heal.progress} events (which reach the client before the view
 * has folded them). Tells which lines changed, so that a terminal redraws them and a log gets a line per change.
 */
final class WatchDisplay {

    private static final int WIDTH = 20;

    /** The latest heal step seen of a variant, from the view or from an event: the newest wins. */
    private record Heal(long step, long total, double loss) {
    }

    private final Map<Integer, JsonNode> variants = new TreeMap<>();
    private final Map<Integer, Heal> heals = new TreeMap<>();
    private final Map<Integer, String> shown = new TreeMap<>();
    private List<String> tasks = List.of();
    private String state = "";

    /** Takes a fresh view. */
    void view(JsonNode view) {
        state = view.path("state").asText();
        tasks = Views.tasks(view);
        for (JsonNode variant : view.path("variants")) {
            int n = variant.path("n").asInt();
            variants.put(n, variant);
            JsonNode heal = variant.path("heal");
            if (heal.isObject()) {
                heal(n, heal.path("step").asLong(), heal.path("totalSteps").asLong(), heal.path("loss").asDouble());
            }
        }
    }

    /** Takes one heal.progress event of variant n. */
    void heal(int n, long step, long total, double loss) {
        Heal known = heals.get(n);
        if (known == null || step >= known.step() || total != known.total()) {
            heals.put(n, new Heal(step, total, loss));
        }
    }

    /** The experiment's state in the latest view. */
    String state() {
        return state;
    }

    /** Every variant's line, by n. */
    Map<Integer, String> lines() {
        Map<Integer, String> lines = new TreeMap<>();
        variants.keySet().forEach(n -> lines.put(n, line(n)));
        heals.keySet().forEach(n -> lines.putIfAbsent(n, line(n)));
        return lines;
    }

    /** The lines that differ from what was last taken as shown; marks them shown. */
    List<String> changed() {
        List<String> changed = new ArrayList<>();
        lines().forEach((n, line) -> {
            if (!line.equals(shown.get(n))) {
                shown.put(n, line);
                changed.add(line);
            }
        });
        return changed;
    }

    /** Whether variant n is healing now: its heal started and did not finish. */
    boolean healing(int n) {
        Heal heal = heals.get(n);
        return heal != null && heal.step() < heal.total();
    }

    /** {@code n=1  [#####...]  45/100 loss 5.2100  healing  l*=3  pruned loss 6.5566  healed loss -}. */
    String line(int n) {
        JsonNode variant = variants.get(n);
        String stage = variant == null ? "healing" : variant.path("state").asText();
        if (heals.containsKey(n) && (stage.equals("pending") || stage.equals("pruned"))) {
            stage = "healing"; // the heal's events reach us before the view folds them in
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "n=%-2d ", n));
        if (n == 0) {
            line.append(String.format(Locale.ROOT, "%-" + (WIDTH + 2) + "s  %-9s", "(baseline)", stage));
        } else {
            Heal heal = heals.get(n);
            boolean healed = variant != null && variant.path("healed").isObject();
            long step = heal != null ? heal.step() : 0;
            long total = heal != null ? heal.total() : 0;
            int filled = healed ? WIDTH : total == 0 ? 0 : (int) (WIDTH * Math.min(step, total) / total);
            line.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("]  ");
            line.append(String.format(Locale.ROOT, "%-9s", stage));
            if (heal != null) {
                line.append(String.format(Locale.ROOT, "  %d/%d loss %.4f", step, total, heal.loss()));
            }
            if (variant != null && variant.path("lStar").isIntegralNumber()) {
                line.append("  l*=").append(variant.path("lStar").asInt());
            }
        }
        if (variant != null) {
            JsonNode scores = variant.path("scores");
            for (String task : tasks) {
                String pruned = Views.score(scores.path(n == 0 ? "baseline" : "pruned"), task);
                if (n == 0) {
                    line.append("  ").append(task).append(' ').append(pruned);
                } else {
                    line.append("  ").append(task).append(' ').append(pruned).append(" -> ")
                            .append(Views.score(scores.path("healed"), task));
                }
            }
        }
        return line.toString();
    }
}
