package org.layerprune.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.model.LlamaConfig;
import org.layerprune.core.prune.BlockSelection;
import org.layerprune.core.prune.LayerPruner;
import org.layerprune.core.prune.Provenance;
import org.layerprune.core.prune.PruneReport;
import org.layerprune.core.similarity.ProbeJson;
import org.layerprune.core.similarity.ProbeResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prune}: cut a block of layers out of a checkpoint, into a new Hugging Face checkpoint. */
@Command(name = "prune", description = {
        "Remove n consecutive layers and write a Hugging Face checkpoint (layers renumbered, config updated,",
        "tensors copied byte for byte, a manifest, and mergekit's passthrough recipe for the same cut)."})
final class PruneCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "The checkpoint to prune.")
    Path model;

    @Option(names = "--count", required = true, paramLabel = "N", description = "How many layers to remove.")
    int count;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the pruned checkpoint goes.")
    Path out;

    @Option(names = "--overwrite", description = "Replace an existing checkpoint at --out.")
    boolean overwrite;

    @Option(names = "--json", description = "Print a JSON report.")
    boolean json;

    /** Which block: exactly one of these. */
    static final class Choice {

        @Option(names = "--start", paramLabel = "L", description = "Remove layers L..L+N-1 (0-based).")
        Integer start;

        @Option(names = "--probe", paramLabel = "PROBE.json",
                description = "Remove l*(N), the block a probe of this model found most similar (the paper's strategy).")
        Path probe;

        @Option(names = "--strategy", paramLabel = "simple",
                description = "simple: the paper's baseline, the deepest N layers before the last one.")
        String strategy;
    }

    @Override
    public Integer call() {
        int layers;
        try (Checkpoint checkpoint = Checkpoint.open(model)) {
            layers = LlamaConfig.read(checkpoint.configFile()).numHiddenLayers();
        }
        BlockSelection block;
        Provenance provenance;
        if (choice.start != null) {
            block = BlockSelection.of(choice.start, count, layers);
            provenance = Provenance.manual();
        } else if (choice.probe != null) {
            ProbeResult probe = ProbeJson.read(choice.probe);
            if (probe.layers() != layers) {
                throw new IllegalArgumentException(choice.probe + ": probed a model of " + probe.layers()
                        + " layers, but " + model + " has " + layers);
            }
            block = BlockSelection.fromProbe(probe, count);
            provenance = Provenance.fromProbe(probe, block);
        } else if (choice.strategy.equals("simple")) {
            block = BlockSelection.simple(layers, count);
            provenance = Provenance.simple();
        } else {
            throw new IllegalArgumentException("--strategy: expected simple (for the paper's similarity strategy, give"
                    + " --probe PROBE.json), got \"" + choice.strategy + "\"");
        }
        PruneReport report = LayerPruner.prune(model, block, provenance, out, overwrite);
        print(report);
        return 0;
    }

    private void print(PruneReport r) {
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("source", r.source().toString());
            out.put("source_hash", r.sourceHash());
            out.put("output", r.output().toString());
            out.put("output_hash", r.outputHash());
            out.put("strategy", r.provenance().strategy().id());
            r.provenance().metric().ifPresent(m -> out.put("metric", m));
            r.provenance().distance().ifPresent(d -> out.put("distance", d));
            out.put("start", r.block().start());
            out.put("count", r.block().count());
            out.put("removed_layers", r.removedLayers());
            out.put("layers_before", r.layersBefore());
            out.put("layers_after", r.layersAfter());
            out.put("parameters", r.parameters());
            out.put("files", r.outputFiles());
            out.put("skipped", r.skippedFiles().stream().map(f -> Map.of("name", f.name(), "reason", f.reason())).toList());
            Output.json(spec.commandLine().getOut(), out);
        } else {
            Output.table(spec.commandLine().getOut(), new String[][] {
                    {"removed layers", r.removedLayers() + " (" + r.provenance().strategy().id() + ")"},
                    {"layers", r.layersBefore() + " -> " + r.layersAfter()},
                    {"parameters", Long.toString(r.parameters())},
                    {"output", r.output().toString()},
                    {"skipped files", r.skippedFiles().isEmpty() ? "none"
                            : String.join(", ", r.skippedFiles().stream().map(f -> f.name() + " (" + f.reason() + ")").toList())}});
        }
    }
}
