package org.layerprune.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code heatmap}: the probe's heat map of an experiment, saved from {@code GET /experiments/{id}/heatmap}. */
@Command(name = "heatmap", mixinStandardHelpOptions = true, description = {
        "Save an experiment's probe heat map as SVG or PNG.",
        "Rows min-max normalised, l*(n) traced; from GET /experiments/ID/heatmap. The format comes from",
        "--format, else from the extension of --out."})
final class HeatmapCommand extends ExperimentCommand {

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to save it (.svg or .png).")
    Path out;

    @Option(names = "--format", paramLabel = "svg|png", description = "The format (default: from the extension).")
    String format;

    @Option(names = "--json", description = "Print {\"file\", \"format\", \"bytes\"}.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        String chosen = format();
        ControlApi api = control.api();
        String path = path("/heatmap?format=" + chosen);
        ControlApi.Answer answer = api.get(path, chosen.equals("png") ? "image/png" : "image/svg+xml");
        if (answer.status() != 200) {
            throw api.failure("GET", path, answer);
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(out, answer.body());
        Map<String, Object> saved = new LinkedHashMap<>();
        saved.put("file", out.toString());
        saved.put("format", chosen);
        saved.put("bytes", answer.body().length);
        Output.jsonOrText(spec.commandLine().getOut(), json, saved, () -> String.format("%s: the %s heat map of %s,"
                + " %d bytes%n", out, chosen.toUpperCase(Locale.ROOT), id, answer.body().length));
        return 0;
    }

    /** svg or png: --format, else the extension of --out; a bad command line (exit 2) when neither says. */
    private String format() {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        String given = format != null ? format.toLowerCase(Locale.ROOT)
                : name.endsWith(".svg") ? "svg" : name.endsWith(".png") ? "png" : null;
        if (given == null) {
            throw new ParameterException(spec.commandLine(), "--out " + out + " ends neither in .svg nor in .png: give"
                    + " --format svg or --format png");
        }
        if (!given.equals("svg") && !given.equals("png")) {
            throw new ParameterException(spec.commandLine(), "--format: expected svg or png, got \"" + format + "\"");
        }
        return given;
    }
}
