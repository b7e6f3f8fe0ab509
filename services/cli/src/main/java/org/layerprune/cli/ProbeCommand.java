package org.layerprune.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointHash;
import org.layerprune.core.data.CalibrationSet;
import org.layerprune.core.model.LlamaConfig;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.similarity.BlockMetric;
import org.layerprune.core.similarity.Probe;
import org.layerprune.core.similarity.ProbeJson;
import org.layerprune.core.similarity.ProbeReport;
import org.layerprune.core.similarity.ProbeResult;
import org.layerprune.core.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code probe}: the distance of every block of layers, and the best block per size. */
@Command(name = "probe", description = {
        "Score every block of n consecutive layers (n = 1..L-1) by how little it changes the residual stream,",
        "averaged over calibration sequences, and find the best block l*(n) to remove for each n."})
final class ProbeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions options;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "Calibration data: JSON Lines (or .gz) of {\"text\"} or {\"input_ids\"}.")
    Path data;

    @Option(names = "--samples", defaultValue = "256", description = "Sequences sampled from the data (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--max-length", defaultValue = "1024", description = "Tokens kept per sequence (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--batch-size", defaultValue = "8", description = "Sequences per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--metric", defaultValue = "angular-last-token", paramLabel = "NAME", description = {
            "angular-last-token (the paper's, default), angular-all-tokens, block-influence,",
            "relative-magnitude, l2-last-token, or loss (one pass of the data per block: slow)."})
    String metric;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write probe.json, probe.csv, heatmap.png and heatmap.svg here.")
    Path out;

    @Option(names = "--json", description = "Print the probe JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        BlockMetric chosen = BlockMetric.byName(metric);
        String hash;
        try (Checkpoint checkpoint = Checkpoint.open(options.model)) {
            LlamaModel.verify(checkpoint, LlamaConfig.read(checkpoint.configFile()));
            hash = CheckpointHash.of(checkpoint);
        }
        List<int[]> sequences;
        Optional<Tokenizer> tokenizer = Tokenizer.fromCheckpoint(options.model);
        try {
            sequences = CalibrationSet.load(data, tokenizer, samples, maxLength, seed);
        } finally {
            tokenizer.ifPresent(Tokenizer::close);
        }
        PrintWriter err = spec.commandLine().getErr();
        ProbeResult result;
        try (LlamaModel model = LlamaModel.load(options.model, options.device())) {
            result = Probe.run(model, sequences, batchSize, chosen, hash, new ProgressLine(err, "probe"));
        }
        if (out != null) {
            ProbeReport.write(result, out);
            err.println("wrote " + out);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            stdout.print(ProbeJson.toJson(result)); // already ends with a newline: stdout == probe.json
        } else {
            printTable(stdout, result);
        }
        stdout.flush();
        return 0;
    }

    private static void printTable(PrintWriter out, ProbeResult r) {
        out.printf("%s over %d sequences (%d tokens), L = %d%n", r.metric(), r.samples(), r.tokens(), r.layers());
        out.printf("%-4s %-6s %-10s %s%n", "n", "l*(n)", "score", "layers removed");
        for (int n = 1; n < r.layers(); n++) {
            int best = r.best(n);
            out.printf("%-4d %-6d %-10.6f %d..%d%n", n, best, r.distance(n, best), best, best + n - 1);
        }
    }
}
