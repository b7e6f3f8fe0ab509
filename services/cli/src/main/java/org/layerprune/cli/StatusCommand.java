package org.layerprune.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code status}: where an experiment stands, from its view {@code GET /experiments/{id}}. */
@Command(name = "status", mixinStandardHelpOptions = true, description = {
        "Show where an experiment stands.",
        "Its state, and per variant n (0 = the baseline) the stage, l*(n), heal progress and scores; then its",
        "failures. From GET /experiments/ID."})
final class StatusCommand extends ExperimentDocumentCommand {

    @Option(names = "--json", description = "Print the view as the control service serves it: {\"experimentId\","
            + " \"state\", \"request\", \"probe\", \"variants\", \"failures\", ...}.")
    boolean json;

    StatusCommand() {
        super("", StatusReport::render);
    }

    @Override
    boolean json() {
        return json;
    }
}
