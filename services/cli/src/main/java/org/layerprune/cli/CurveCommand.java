package org.layerprune.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code curve}: the pruning curve of an experiment, {@code GET /experiments/{id}/curve}. */
@Command(name = "curve", mixinStandardHelpOptions = true, description = {
        "Print an experiment's pruning curve.",
        "Per n (0 = the baseline) the fraction of layers dropped, l*(n) and every task's score pruned and",
        "healed. From GET /experiments/ID/curve."})
final class CurveCommand extends ExperimentDocumentCommand {

    @Option(names = "--json", description = "Print the curve as served: {\"experimentId\", \"layers\", \"points\":"
            + " [{\"n\", \"fraction\", \"lStar\", \"pruned\", \"healed\"}]}.")
    boolean json;

    CurveCommand() {
        super("/curve", CurveReport::render);
    }

    @Override
    boolean json() {
        return json;
    }
}
