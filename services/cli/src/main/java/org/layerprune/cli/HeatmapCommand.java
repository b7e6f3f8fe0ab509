package org.layerprune.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code heatmap}: the probe's heat map of an experiment, saved from {@code GET /experiments/{id}/heatmap}. */
@Command(name = "heatmap", mixinStandardHelpOptions = true, description = {
        "Save an experiment's probe heat map as SVG or PNG.",
        "Rows min-max normalised, l*(n) traced; from GET /experiments/ID/heatmap. The format comes from",
        "--format, else from the extension of --out."})
final class HeatmapCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ControlOptions control;

    @Parameters(index = "0", paramLabel = "ID", description = "The experiment.")
    String id;

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
        String path = "/experiments/" + id + "/heatmap?format=" + chosen;
        ControlApi.Answer answer = api.get(path, chosen.equals("png") ? "image/png" : "image/svg+xml");
        if (answer.status() != 200) {
            throw api.failure("GET", path, answer);
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(out, answer.body());
        PrintWriter printed = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("file", out.toString());
            doc.put("format", chosen);
            doc.put("bytes", answer.body().length);
            Output.json(printed, doc);
        } else {
            printed.printf("%s: the %s heat map of %s, %d bytes%n", out, chosen.toUpperCase(Locale.ROOT), id,
                    answer.body().length);
            printed.flush();
        }
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
