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

/** {@code status}: where an experiment stands, from its view {@code GET /experiments/{id}}. */
@Command(name = "status", mixinStandardHelpOptions = true, description = {
        "Show where an experiment stands.",
        "Its state, and per variant n (0 = the baseline) the stage, l*(n), heal progress and scores; then its",
        "failures. From GET /experiments/ID."})
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ControlOptions control;

    @Parameters(index = "0", paramLabel = "ID", description = "The experiment.")
    String id;

    @Option(names = "--json", description = "Print the view as the control service serves it: {\"experimentId\","
            + " \"state\", \"request\", \"probe\", \"variants\", \"failures\", ...}.")
    boolean json;

    @Override
    public Integer call() {
        JsonNode view = control.api().getJson("/experiments/" + id);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, view);
        } else {
            out.print(StatusReport.render(view));
            out.flush();
        }
        return 0;
    }
}
