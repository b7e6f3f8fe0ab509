package org.layerprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code curve}: the pruning curve of an experiment, {@code GET /experiments/{id}/curve}. */
@Command(name = "curve", mixinStandardHelpOptions = true, description = {
        "Print an experiment's pruning curve.",
        "Per n (0 = the baseline) the fraction of layers dropped, l*(n) and every task's score pruned and",
        "healed. From GET /experiments/ID/curve."})
final class CurveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ControlOptions control;

    @Parameters(index = "0", paramLabel = "ID", description = "The experiment.")
    String id;

    @Option(names = "--json", description = "Print the curve as served: {\"experimentId\", \"layers\", \"points\":"
            + " [{\"n\", \"fraction\", \"lStar\", \"pruned\", \"healed\"}]}.")
    boolean json;

    @Override
    public Integer call() {
        JsonNode curve = control.api().getJson("/experiments/" + id + "/curve");
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, curve);
        } else {
            out.print(CurveReport.render(curve));
            out.flush();
        }
        return 0;
    }
}
